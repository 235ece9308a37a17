import * as vscode from 'vscode';
import type { ApprovalRequest } from '../core/ports/approvalGate';
import { type EditedText, editedText, inputFrom, withEditedText } from '../shared/editedInput';
import { notify } from './notify';

/** The button that runs the call with the input as the editor holds it. */
export const USE_EDITED_INPUT = 'Use Edited Input';
/** The button that opens every field of the input as JSON (the path, an edit's old text), with the text as edited so far. */
export const ALL_FIELDS = 'Edit All Fields';

/**
 * Edit, for a question about a call. The text the user is likeliest to change opens as a document of
 * its own, read as the file or script it is (`editedText`: a file's new contents, the text an edit
 * puts in, a command line), and the call runs with the other fields as they were; Edit All Fields
 * then opens every field as JSON, the text as edited so far. Any other input opens whole as JSON,
 * where text that is not a JSON object is said, with where, and the document stays open to be fixed.
 * The call runs with what the editor holds once the user chooses Use Edited Input. Cancel (or
 * closing the document): nothing is decided, and the session goes on waiting. The document is closed
 * without a save prompt once the answer is given or withdrawn. A notice closed without a button
 * keeps the document open, and Edit on the same question goes on with it.
 */
export async function editInEditor(r: ApprovalRequest, wholeInput = false): Promise<{ input: unknown } | undefined> {
  // Every field as JSON, kept from an earlier Edit of this question: that goes on, not the text alone.
  if (!wholeInput && open(drafts.get(draftKey(r, true)))) return editInEditor(r, true);
  const key = draftKey(r, wholeInput);
  const kept = drafts.get(key);
  drafts.delete(key);
  const text = wholeInput ? undefined : editedText(r.tool, r.input);
  const doc = open(kept) ? kept : text ? await textDocument(text, r.approvalId) : await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(r.input ?? {}, null, 2)}\n` });
  await vscode.window.showTextDocument(doc, { preview: false });
  const what = text ? `${text.what} (the other fields of ${r.tool ?? 'the call'} stay as they are; ${ALL_FIELDS} opens them all)` : `the input of ${r.tool ?? 'the call'} (JSON)`;
  const buttons = text ? [USE_EDITED_INPUT, ALL_FIELDS, 'Cancel'] : [USE_EDITED_INPUT, 'Cancel'];
  let carried: unknown;
  let keep = false;
  try {
    for (;;) {
      const choice = await notify.info(`Savepoint: edit ${what} in the editor, then choose ${USE_EDITED_INPUT}. Cancel leaves the question open.`, ...buttons);
      // The notice closed without a button (its ✕, Clear All): not a Cancel, so the user's edit is not thrown away.
      if (choice === undefined && !doc.isClosed) {
        keep = true;
        void notify.info(`Savepoint: your edit of ${text ? text.what : `the input of ${r.tool ?? 'the call'}`} stays open; choose Edit on the question again (the status bar offers it) to go on with it.`);
        return undefined;
      }
      if (choice !== USE_EDITED_INPUT && choice !== ALL_FIELDS) return undefined;
      if (doc.isClosed) {
        void notify.warn('Savepoint: the edited input was closed before it was used, so nothing was decided; the question is still open (choose Edit on it again).');
        return undefined;
      }
      if (text) {
        const input = withEditedText(r.input as Record<string, unknown>, text, doc.getText());
        if (choice === USE_EDITED_INPUT) return { input };
        // Every field, with the text as the user left it: the path, an edit's old text, a timeout.
        carried = input;
        break;
      }
      const read = inputFrom(doc.getText());
      if ('input' in read) return read;
      void notify.error(`Savepoint: the edited input cannot be used: ${read.error}. Fix it in the editor and choose ${USE_EDITED_INPUT} again.`);
      await vscode.window.showTextDocument(doc, { preview: false });
    }
  } finally {
    if (keep) drafts.set(key, doc);
    else await closeUnsaved(doc);
  }
  return editInEditor({ ...r, input: carried }, true);
}

/** Edits whose notice was closed without a button, by question and kind (the text alone, or every field): Edit on that question opens them again. */
const drafts = new Map<string, vscode.TextDocument>();
const draftKey = (r: ApprovalRequest, wholeInput: boolean): string => `${r.sessionId}\u0000${r.approvalId}\u0000${wholeInput ? 'all' : 'text'}`;
const open = (d: vscode.TextDocument | undefined): d is vscode.TextDocument => d !== undefined && !d.isClosed;

/**
 * An untitled document holding `e.text`, named after the file (its extension gives the language) and
 * the question (so that two questions never share one). Its line ends are the text's: LF unless the
 * text has CRLF, whatever the editor's default for new files.
 */
async function textDocument(e: EditedText, approvalId: string): Promise<vscode.TextDocument> {
  const dot = e.name.lastIndexOf('.');
  const tag = ` (Savepoint edit ${approvalId.replace(/[^A-Za-z0-9]/g, '').slice(-8)})`;
  const name = dot > 0 ? `${e.name.slice(0, dot)}${tag}${e.name.slice(dot)}` : `${e.name}${tag}`;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: name }));
  const edit = new vscode.WorkspaceEdit();
  const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  edit.set(doc.uri, [vscode.TextEdit.replace(all, e.text), vscode.TextEdit.setEndOfLine(e.text.includes('\r\n') ? vscode.EndOfLine.CRLF : vscode.EndOfLine.LF)]);
  await vscode.workspace.applyEdit(edit);
  return doc;
}

/** Closes `doc`'s editors, dropping its unsaved text (it was an answer, not a file to keep). */
export async function closeUnsaved(doc: vscode.TextDocument): Promise<void> {
  if (doc.isClosed) return;
  const mine = (t: vscode.Tab) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString();
  // Once per editor it is open in (a split); bounded, should one refuse to close.
  for (let i = 0; i < 8 && vscode.window.tabGroups.all.some((g) => g.tabs.some(mine)); i++) {
    await vscode.window.showTextDocument(doc, { preview: false });
    if (vscode.window.activeTextEditor?.document !== doc) return;
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
