import type { Dirent } from 'node:fs';
import { lstat, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isStagingName } from './stagedFiles';

/**
 * The staged files that no record names: an operation (a rewind, its undo, a file tool's write)
 * killed after its staging and before its record, and never done again, leaves its synced
 * temporary files beside the user's files, where neither `sweepCrashLeftovers` (which reads the
 * records) nor a retry (which has the same tag) finds them. They are found by their exact name
 * (`isStagingName`) and their age, anywhere in the workspace.
 */

/**
 * A staged file is renamed within seconds of being written. One younger than this may belong to
 * another process still at work (a CLI rewind while the editor starts, another window): it stays.
 */
export const STALE_STAGING_MS = 10 * 60_000;

/**
 * Never entered: git's own files, which Savepoint never writes, and installed packages, which make
 * most of a JavaScript workspace's entries (a write there is rare, and a reinstall replaces them).
 */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules']);

export interface StaleStagingOptions {
  /** The time now (ms since the epoch); default `Date.now()`. */
  now?: number;
}

/**
 * Removes the stale staged files under `root`: regular files and links (a staged link is one) whose
 * name is a staged file's and whose mtime is `STALE_STAGING_MS` old or more. Symlinked folders are
 * not followed; a folder that cannot be read is left alone. Best effort: a file that cannot be removed
 * stays. Returns the workspace-relative paths removed. Idempotent; safe beside a running process.
 */
export async function sweepStaleStaging(root: string, options: StaleStagingOptions = {}): Promise<string[]> {
  const abs = path.resolve(root);
  const found: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(abs, rel), { withFileTypes: true }).catch(() => [] as Dirent[]);
    const dirs: string[] = [];
    for (const d of entries) {
      const child = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (!SKIPPED_DIRS.has(d.name)) dirs.push(child);
      } else if (isStagingName(d.name)) found.push(child);
    }
    await Promise.all(dirs.map(visit));
  };
  await visit('');
  return removeStaleStaged(abs, found, options);
}

/** Of the workspace-relative `rels`, which have a staged file's name, removes the stale ones; returns them, sorted. */
async function removeStaleStaged(root: string, rels: readonly string[], options: StaleStagingOptions): Promise<string[]> {
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  for (const rel of rels) {
    const file = path.join(root, rel);
    const st = await lstat(file).catch(() => undefined);
    // A future mtime (a clock set back) counts as fresh.
    if (!st || !(st.isFile() || st.isSymbolicLink()) || !(now - st.mtimeMs >= STALE_STAGING_MS)) continue;
    if (await unlink(file).then(() => true, () => false)) removed.push(rel);
  }
  return removed.sort();
}
