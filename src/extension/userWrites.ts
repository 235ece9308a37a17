import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { SerialCapture } from '../core/capture/serialCapture';

/** A folder's shared change capture, when it has been made (`FolderCaptures`). */
export type MadeCaptures = () => Iterable<{ root: string; shared: SerialCapture }>;

type Settle = (hash: string | null | undefined) => void;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * What the user writes through the editor (a save, a file created, deleted or renamed in the
 * Explorer) is theirs: each folder capture is told before it lands and given its hash after
 * (`SerialCapture.userSaving`), so a command another session runs meanwhile does not take it for
 * its own, and a rewind of that session never takes the user's work back as the session's.
 */
export class UserWrites implements vscode.Disposable {
  /** Writes under way, by file: the settle of each capture told. */
  private readonly pending = new Map<string, Settle[]>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly captures: MadeCaptures,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const w = vscode.workspace;
    this.subs = [
      w.onWillSaveTextDocument((e) => this.will(e.document.uri)),
      w.onDidSaveTextDocument((doc) => void this.didSave(doc)),
      w.onWillCreateFiles((e) => e.files.forEach((u) => this.will(u))),
      w.onDidCreateFiles((e) => e.files.forEach((u) => void this.fromDisk(u))),
      w.onWillDeleteFiles((e) => e.files.forEach((u) => this.will(u))),
      w.onDidDeleteFiles((e) => e.files.forEach((u) => this.done(u, null))),
      w.onWillRenameFiles((e) => e.files.forEach((f) => (this.will(f.oldUri), this.will(f.newUri)))),
      w.onDidRenameFiles((e) => e.files.forEach((f) => (this.done(f.oldUri, null), void this.fromDisk(f.newUri)))),
    ];
  }

  /** `uri` is about to be written by the user: the capture of its folder is told before the bytes land. */
  private will(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    for (const { root, shared } of this.captures()) {
      const rel = relative(root, uri.fsPath);
      if (!rel || rel.startsWith('..') || isAbsolute(rel)) continue;
      const key = uri.toString();
      this.pending.set(key, [...(this.pending.get(key) ?? []), shared.userSaving(rel.split(sep).join('/'))]);
    }
  }

  /** What was written to `uri` (null: it is gone; undefined: not known). A write no will-event announced (Save As) counts from now. */
  private done(uri: vscode.Uri, hash: string | null | undefined): void {
    const key = uri.toString();
    if (!this.pending.has(key)) this.will(uri);
    const settles = this.pending.get(key) ?? [];
    this.pending.delete(key);
    for (const settle of settles) settle(hash);
  }

  /** A save: what it wrote is the document's text in its encoding (read now, before anything awaits). */
  private async didSave(doc: vscode.TextDocument): Promise<void> {
    const text = doc.getText();
    let hash: string | undefined;
    try {
      hash = sha256(await vscode.workspace.encode(text, { encoding: doc.encoding }));
    } catch (e) {
      this.log.warn(`the hash of a save could not be computed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.done(doc.uri, hash);
  }

  /** A file created or moved by the user: its bytes as they are now (a folder's files are not told apart). */
  private async fromDisk(uri: vscode.Uri): Promise<void> {
    let hash: string | undefined;
    try {
      if ((await lstat(uri.fsPath)).isFile()) hash = sha256(await readFile(uri.fsPath));
    } catch {
      // Gone again, or unreadable: not known.
    }
    this.done(uri, hash);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
