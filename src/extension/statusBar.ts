import * as vscode from 'vscode';
import type { StoreHost } from './storeHost';

/** "Savepoint: 1 approval waiting" while any session waits for the user; click to answer. */
export class ApprovalStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('savepoint.approvals', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly stores: StoreHost) {
    this.item.name = 'Savepoint approvals';
    this.item.command = 'savepoint.answerApprovals';
  }

  async refresh(): Promise<void> {
    const waiting = (await this.stores.listSessions()).filter((s) => s.status === 'waiting').length;
    if (waiting === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(bell-dot) Savepoint: ${waiting} approval${waiting === 1 ? '' : 's'} waiting`;
    this.item.tooltip = 'A Savepoint session is waiting for your decision. Click to answer.';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
