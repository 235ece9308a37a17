import * as vscode from 'vscode';
import type { ApprovalRequest } from '../core/ports/approvalGate';
import { inputFrom } from '../shared/editedInput';
import { notify } from './notify';

/** The button that runs the call with the input as the editor holds it. */
export const USE_EDITED_INPUT = 'Use Edited Input';

/**
 * Edit, for a question about a call: its input opens as a JSON document in an editor, where a long
 * text (a file's new contents, a command over several lines) reads and changes as in any file, and
 * the call runs with it once the user chooses Use Edited Input. Text that is not a JSON object is
 * said, with where, and the document stays open to be fixed. Cancel (or closing the document):
 * nothing is decided, and the session goes on waiting. The document is closed without a save prompt
 * once the answer is given or withdrawn.
 */
export async function editInEditor(r: ApprovalRequest): Promise<{ input: unknown } | undefined> {
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(r.input ?? {}, null, 2)}\n` });
  await vscode.window.showTextDocument(doc, { preview: false });
  try {
    for (;;) {
      const choice = await notify.info(`Savepoint: edit the input of ${r.tool ?? 'the call'} in the editor (JSON), then choose ${USE_EDITED_INPUT}. Cancel leaves the question open.`, USE_EDITED_INPUT, 'Cancel');
      if (choice !== USE_EDITED_INPUT) return undefined;
      if (doc.isClosed) {
        void notify.warn('Savepoint: the edited input was closed before it was used, so nothing was decided; the question is still open (choose Edit on it again).');
        return undefined;
      }
      const read = inputFrom(doc.getText());
      if ('input' in read) return read;
      void notify.error(`Savepoint: the edited input cannot be used: ${read.error}. Fix it in the editor and choose ${USE_EDITED_INPUT} again.`);
      await vscode.window.showTextDocument(doc, { preview: false });
    }
  } finally {
    await closeUnsaved(doc);
  }
}

/** Closes `doc`'s editors, dropping its unsaved text (it was an answer, not a file to keep). */
async function closeUnsaved(doc: vscode.TextDocument): Promise<void> {
  if (doc.isClosed) return;
  const mine = (t: vscode.Tab) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString();
  // Once per editor it is open in (a split); bounded, should one refuse to close.
  for (let i = 0; i < 8 && vscode.window.tabGroups.all.some((g) => g.tabs.some(mine)); i++) {
    await vscode.window.showTextDocument(doc, { preview: false });
    if (vscode.window.activeTextEditor?.document !== doc) return;
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
