import { createHash } from 'node:crypto';
import type { Workspace } from '../ports/workspace';
import type { BlobHash } from '../store/types';
import { readDisk } from './fileContents';

/** How many entries of the workspace are looked through for a moved file's new name. */
const MAX_LISTED = 20_000;
/** How many candidate files are read (hashed) at most, for all the deleted files together. */
const MAX_READ = 64;
/** Empty bytes name no file: every empty `__init__.py` or `.gitkeep` has them, there before the session or not. */
const EMPTY = createHash('sha256').digest('hex');

/**
 * Where the files the session knew, now gone, were moved or renamed outside the session with their
 * contents unchanged (`git mv`, a rename in the explorer, a move to another folder): each gone path
 * mapped to its new one. Without it the model was told only "src/a.ts was deleted" and wrote the
 * file again at its old path, or believed it lost. The candidates are the files the session does not
 * know that sit in the gone file's own folder (a rename) or carry its name elsewhere (a move), up to
 * MAX_READ reads over at most MAX_LISTED entries (gitignored ones skipped); a candidate is taken when
 * its bytes are the very bytes the session last knew, and by one gone file only. A file moved AND
 * changed is not found, nor an empty file (any other empty file would pass for it): it stays
 * "deleted". Best effort: a listing or a read that fails finds nothing.
 */
export async function movedFiles(workspace: Workspace, gone: readonly { path: string; hash: BlobHash }[], known: ReadonlySet<string>): Promise<Map<string, string>> {
  const moved = new Map<string, string>();
  if (gone.length === 0) return moved;
  const listed = await workspace.list('.', { recursive: true, limit: MAX_LISTED }).catch(() => undefined);
  // Indexed once by folder and by name: a folder of thousands of gone files costs one pass, not one per file.
  const byFolder = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  for (const e of listed?.entries ?? []) {
    if (e.type !== 'file' || known.has(e.path)) continue;
    push(byFolder, folderOf(e.path), e.path);
    push(byName, nameOf(e.path), e.path);
  }
  const taken = new Set<string>();
  let reads = 0;
  const hashes = new Map<string, BlobHash | null>();
  for (const g of gone) {
    if (reads >= MAX_READ) break;
    if (g.hash === EMPTY) continue;
    const candidates = new Set([...(byFolder.get(folderOf(g.path)) ?? []), ...(byName.get(nameOf(g.path)) ?? [])]);
    for (const c of candidates) {
      if (taken.has(c)) continue;
      if (!hashes.has(c)) {
        if (reads >= MAX_READ) break;
        reads++;
        hashes.set(c, await readDisk(workspace, c).then((d) => d.hash, () => null));
      }
      if (hashes.get(c) !== g.hash) continue;
      moved.set(g.path, c);
      taken.add(c);
      break;
    }
  }
  return moved;
}

function push(m: Map<string, string[]>, key: string, path: string): void {
  const list = m.get(key);
  if (list) list.push(path);
  else m.set(key, [path]);
}

const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
