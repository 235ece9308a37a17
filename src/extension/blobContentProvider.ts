import * as vscode from 'vscode';
import { editorText } from '../core/checkpoints/fileContents';
import type { BlobHash } from '../core/store/types';
import type { StoreHost } from './storeHost';

export const BLOB_SCHEME = 'savepoint-blob';

const MAX_SHOWN_BYTES = 5 * 1024 * 1024;

/**
 * Read-only contents for the diff editors: `savepoint-blob:/<path>?<hash>` is a checkpoint version,
 * `?none` an absent file, `?disk` the workspace file as it is now. Both sides of a diff name the same
 * path, so the multi-file diff editor shows a change of the file, not a rename.
 */
export class BlobContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly stores: StoreHost) {}

  static uri(hash: string | null, path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: BLOB_SCHEME, path: `/${path}`, query: hash ?? 'none' });
  }

  /** A side that is a symlink: its text, never what it leads to. */
  static link(to: string, path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: BLOB_SCHEME, path: `/${path}`, query: `link=${to}` });
  }

  /** The file `path` as it is now in the workspace folder `root` (the session's). */
  static disk(path: string, root: vscode.Uri): vscode.Uri {
    return vscode.Uri.from({ scheme: BLOB_SCHEME, path: `/${path}`, query: 'disk', fragment: root.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = uri.query;
    if (key === 'none' || key === '') return '';
    if (key === 'disk') return this.disk(uri.path.slice(1), uri.fragment);
    // The target on a line of its own, so that a retargeted link's diff shows the change.
    if (key.startsWith('link=')) return `symlink to ${key.slice('link='.length)}\n\n(a link holds no contents of its own; Savepoint never follows it)\n`;
    const { store } = await this.stores.get();
    if (!store) return '(the session store is not available)';
    let bytes: Uint8Array;
    try {
      bytes = await store.getBlob(key as BlobHash);
    } catch {
      // Binary and oversized files captured from commands are recorded by hash and size only.
      return `(this version is recorded by its hash only: sha256 ${key}; binary, over the size limit, or not at hand when a command changed it: its contents were not kept)`;
    }
    return shown(bytes, `sha256 ${key}`);
  }

  private async disk(path: string, folder: string): Promise<string> {
    if (!folder) return '';
    try {
      return shown(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(vscode.Uri.parse(folder), path)), 'on disk');
    } catch {
      return '';
    }
  }
}

/** Text as it is; a binary or oversized file as one line saying so. */
function shown(bytes: Uint8Array, what: string): string {
  if (bytes.subarray(0, 8000).includes(0)) return `(binary file, ${bytes.length} bytes, ${what})`;
  if (bytes.length > MAX_SHOWN_BYTES) return `(file of ${bytes.length} bytes, over the ${MAX_SHOWN_BYTES / 1048576} MB shown in a diff; ${what})`;
  return editorText(bytes);
}
