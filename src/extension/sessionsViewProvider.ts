import * as vscode from 'vscode';
import type { SessionSummary } from '../core/store/types';
import type { Bootstrap, HostMessage, SessionRow, StoreView } from '../shared/protocol';
import { parseWebviewMessage } from '../shared/protocolSchema';
import type { StoreHost } from './storeHost';
import { sidebarHtml } from './webviewHtml';

export function toRow(s: SessionSummary): SessionRow {
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    steps: s.stepCount,
    tokens: s.tokens.input + s.tokens.output + s.tokens.cacheRead + s.tokens.cacheWrite,
    costUsd: s.costUsd,
    pendingApproval: s.pendingApproval ? { tool: s.pendingApproval.tool, summary: s.pendingApproval.summary, requestedAt: s.pendingApproval.requestedAt } : null,
  };
}

/**
 * The sidebar's session list. Sends nothing until the page says `ready`, then a bootstrap
 * snapshot; later changes go out as sequenced notifications. No retainContextWhenHidden: a
 * hidden view is torn down and rebuilt from a fresh snapshot when shown again.
 */
export class SessionsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'savepoint.sessions';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stores: StoreHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(stores.onDidChange(() => void this.pushChange()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    view.webview.html = sidebarHtml(view.webview, this.extensionUri);
    const sub = view.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw));
    view.onDidDispose(() => {
      sub.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.log.warn(`dropped a malformed message from the sidebar: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (msg.method) {
      case 'ready':
        this.ready = true;
        await this.post({ method: 'bootstrap', params: await this.snapshot() });
        break;
      case 'command/run':
        await vscode.commands.executeCommand(`savepoint.${msg.params.command}`, ...(msg.params.sessionId ? [msg.params.sessionId] : []));
        break;
    }
  }

  private async snapshot(): Promise<Bootstrap> {
    const { sessions, store } = await this.load();
    return { seq: this.seq, sessions, store };
  }

  private async load(): Promise<{ sessions: SessionRow[]; store: StoreView }> {
    const state = await this.stores.get();
    const sessions = (await this.stores.listSessions()).map(toRow);
    return { sessions, store: { readOnly: state.readOnly, error: state.error } };
  }

  private async pushChange(): Promise<void> {
    if (!this.view || !this.ready) return;
    const { sessions, store } = await this.load();
    this.seq++;
    await this.post({ method: 'sessions/changed', params: { seq: this.seq, sessions, store } });
  }

  private async post(message: HostMessage): Promise<void> {
    await this.view?.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
