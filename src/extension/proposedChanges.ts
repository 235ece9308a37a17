import * as vscode from 'vscode';
import type { ApprovalRequest } from '../core/ports/approvalGate';

export const PROPOSED_SCHEME = 'savepoint-proposed';

/**
 * Read-only documents of the change a question proposes (its unified diff, one file after another),
 * opened from the question's Show Changes: what is approved is seen before it is written. Kept while
 * the question is open (`forget`); a document opened again later says where the change is.
 */
export class ProposedChanges implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  /** Opens the change `r` proposes beside the editor (a `.diff` document: VS Code colours it). */
  async show(r: ApprovalRequest): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${r.tool ?? 'change'} (proposed).diff`, query: proposalKey(r) });
    this.texts.set(proposalKey(r), r.diff ?? '');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true, preserveFocus: false });
  }

  /** The question is closed (answered, parked, timed out): its change is no longer kept here. */
  forget(r: ApprovalRequest): void {
    this.texts.delete(proposalKey(r));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '(this proposed change is no longer at hand here; the session timeline in the Savepoint view shows the call and its files)\n';
  }
}

/** A question's own key: a fork journals its parent's questions under the same approval ids. */
const proposalKey = (r: ApprovalRequest): string => `${r.sessionId}/${r.approvalId}`;
