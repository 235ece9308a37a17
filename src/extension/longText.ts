import * as vscode from 'vscode';
import { closeUnsaved } from './inputEditor';
import { notify } from './notify';

export interface TextQuestion {
  title: string;
  prompt: string;
  placeHolder?: string;
  ignoreFocusOut?: boolean;
  /** What is written, for the editor's message: "the task", "your reply". */
  what: string;
  /** The button that sends what the editor holds: "Start Session". */
  send: string;
  /** An empty text is an answer (an optional reason), not a document to write first. */
  empty?: boolean;
  /** The untitled document's name, without its extension (it is Markdown). */
  fileName: string;
  /** What the text answers (a question's id), for a text kept open (see askText); default: `fileName`. */
  draft?: string;
  /** How to come back to a text kept open: "choose Respond on the question again"; default: "do the same again". */
  again?: string;
}

/** Texts whose notice was closed without a button (its ✕, Clear All), by `draft`: asking the same again goes on with them. */
const kept = new Map<string, vscode.TextDocument>();

/** The input box's button that moves what is typed into an editor, for text of several lines. */
export const WRITE_IN_EDITOR = 'Write in an Editor (several lines)';

/**
 * Asks for text that may take several lines (a task, a reply to the agent): an input box, as VS
 * Code asks, whose title-bar button moves what is typed so far into an untitled Markdown document;
 * the text is then what the document holds when the user chooses `q.send`. Undefined when the user
 * closes the box, chooses Cancel, or closes the document first (said). The document is closed
 * without a save prompt once it is used or given up. A notice closed without a button keeps it
 * open, and the same question asked again (`q.draft`) goes on with it, without the box.
 */
export async function askText(q: TextQuestion): Promise<string | undefined> {
  const key = q.draft ?? q.fileName;
  const earlier = kept.get(key);
  kept.delete(key);
  let doc = earlier && !earlier.isClosed ? earlier : undefined;
  if (!doc) {
    const typed = await inputBox(q);
    if (typed === undefined || 'text' in typed) return typed?.text;
    doc = await vscode.workspace.openTextDocument(freeName(q.fileName));
    if (typed.toEditor) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(0, 0), typed.toEditor);
      await vscode.workspace.applyEdit(edit);
    }
  }
  // The cursor at the end, to go on typing.
  const end = doc.positionAt(doc.getText().length);
  await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(end, end) });
  let keep = false;
  try {
    for (;;) {
      const choice = await notify.info(`Savepoint: write ${q.what} in the editor, then choose ${q.send}. Cancel drops it.`, q.send, 'Cancel');
      // The notice closed without a button (its ✕, Clear All): not a Cancel, so what the user wrote is not thrown away.
      if (choice === undefined && !doc.isClosed) {
        keep = true;
        void notify.info(`Savepoint: ${q.what} stays open in the editor; ${q.again ?? 'do the same again'} to go on with it (Cancel drops it).`);
        return undefined;
      }
      if (choice !== q.send) return undefined;
      if (doc.isClosed) {
        void notify.warn(`Savepoint: ${q.what} was closed before it was sent, so nothing was done.`);
        return undefined;
      }
      if (q.empty || doc.getText().trim() !== '') return doc.getText();
      void notify.warn(`Savepoint: ${q.what} is empty; write it in the editor first.`);
    }
  } finally {
    if (keep) kept.set(key, doc);
    else await closeUnsaved(doc);
  }
}

/** The input box: `{ text }` when accepted, `{ toEditor }` (what was typed) when its button is pressed, undefined when closed. */
function inputBox(q: TextQuestion): Promise<{ text: string } | { toEditor: string } | undefined> {
  const box = vscode.window.createInputBox();
  box.title = q.title;
  box.prompt = `${q.prompt} For several lines, the pencil button above opens an editor.`;
  if (q.placeHolder !== undefined) box.placeholder = q.placeHolder;
  box.ignoreFocusOut = q.ignoreFocusOut ?? false;
  box.buttons = [{ iconPath: new vscode.ThemeIcon('edit'), tooltip: WRITE_IN_EDITOR }];
  return new Promise((resolve) => {
    let answer: { text: string } | { toEditor: string } | undefined;
    const subs = [
      box.onDidAccept(() => {
        answer = { text: box.value };
        box.hide();
      }),
      box.onDidTriggerButton(() => {
        answer = { toEditor: box.value };
        box.hide();
      }),
      box.onDidHide(() => {
        for (const s of subs) s.dispose();
        box.dispose();
        resolve(answer);
      }),
    ];
    box.show();
  });
}

/** `name.md`, or `name 2.md` and so on when a document of that name is open (two questions at once). */
function freeName(name: string): vscode.Uri {
  const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled' && !d.isClosed).map((d) => d.uri.path));
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.from({ scheme: 'untitled', path: `${name}${n > 1 ? ` ${n}` : ''}.md` });
    if (!open.has(uri.path)) return uri;
  }
}
