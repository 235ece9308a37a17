import { isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { RewindFilePlan } from '../core/checkpoints/rewindPlan';

/** The documents open in this window with unsaved changes, by their path under `root` ('/'-separated, as a plan names files). */
function unsavedDocs(root: vscode.Uri): Map<string, vscode.TextDocument> {
  const docs = new Map<string, vscode.TextDocument>();
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file') continue;
    const rel = relative(root.fsPath, doc.uri.fsPath);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) docs.set(rel.split(sep).join('/'), doc);
  }
  return docs;
}

/** The paths under `root` that have unsaved changes in an editor of this window (`markUnsaved` takes them). */
export const unsavedUnder = (root: vscode.Uri): string[] => [...unsavedDocs(root).keys()];

/**
 * After a rewind or its undo wrote `written`: the editors of the files among them the user chose to
 * overwrite despite their unsaved changes are reverted, so that they show what is on disk now (a
 * file deleted: its editor is closed). Otherwise they would go on showing the unsaved text, and a
 * save would put it back over what was written.
 */
export async function showWritten(root: vscode.Uri, files: readonly RewindFilePlan[], written: readonly string[], failed?: (path: string, e: unknown) => void): Promise<void> {
  const docs = unsavedDocs(root);
  for (const f of files) {
    const doc = docs.get(f.path);
    if (!f.unsaved || !doc || !written.includes(f.path)) continue;
    // The files are written and recorded by now: an editor that cannot be reverted is left as it is (the save asks then), never a failed rewind.
    try {
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand(f.toHash === null ? 'workbench.action.revertAndCloseActiveEditor' : 'workbench.action.files.revert');
    } catch (e) {
      failed?.(f.path, e);
    }
  }
}
