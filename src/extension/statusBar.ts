import * as vscode from 'vscode';
import { contextKeys } from '../shared/contextKeys';
import { latestOnly, type StatusLook, statusLook } from '../shared/statusLook';
import type { StoreHost } from './storeHost';

/**
 * "Savepoint: 1 approval waiting" while any session waits for the user (click to answer), else
 * "Savepoint: 2 sessions running" while sessions run (click to show them); hidden when none (`statusLook`).
 */
export class ApprovalStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('savepoint.approvals', vscode.StatusBarAlignment.Left, 50);
  /** Refreshes overlap (a change while the store is read): only the latest one's look is shown. */
  private readonly show = latestOnly((v: { look: StatusLook | undefined; keys: Record<string, boolean> }) => this.apply(v.look, v.keys));

  constructor(
    private readonly stores: StoreHost,
    /** Whether a run of the session is alive in this window. */
    private readonly live: (id: string) => boolean = () => false,
  ) {
    this.item.name = 'Savepoint sessions';
  }

  refresh(): Promise<void> {
    return this.show(this.stores.listSessions().then((list) => ({ look: statusLook(list, this.live), keys: contextKeys(list, this.live) })));
  }

  /** The item, and the context keys that offer the palette's session commands only when they have a session to act on. */
  private apply(look: StatusLook | undefined, keys: Record<string, boolean>): void {
    for (const [key, value] of Object.entries(keys)) void vscode.commands.executeCommand('setContext', key, value);
    if (!look) {
      this.item.hide();
      return;
    }
    this.item.text = look.text;
    this.item.tooltip = look.tooltip;
    this.item.command = look.command;
    this.item.backgroundColor = look.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
