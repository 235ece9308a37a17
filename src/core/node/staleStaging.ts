import type { Dirent } from 'node:fs';
import { lstat, mkdir, readdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
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
  return (await sweep(root, options)).removed;
}

/**
 * How often a workspace is walked for stale staged files: the walk visits every folder (a large
 * workspace's take seconds), and there is something to find only after a crash between an
 * operation's staging and its record.
 */
export const STALE_SWEEP_EVERY_MS = 24 * 60 * 60_000;

/** The marker's name, in the folder of the capture's log beside the store (whose own files end in `.capture.log`). */
export const STALE_SWEEP_MARKER = 'staging-swept';

/** How far ahead of this process's clock a marker may be and still count as now (see `sweepStaleStagingWhenDue`). */
const CLOCK_SLACK_MS = 5_000;

export interface ThrottledSweepOptions extends StaleStagingOptions {
  /** Default `STALE_SWEEP_EVERY_MS`. */
  everyMs?: number;
}

/**
 * `sweepStaleStaging`, at most once per `everyMs`, remembered by the mtime of `marker` (a file
 * beside the store; one per workspace). The marker is written only after a walk that kept no staged
 * file for being too young: one that did runs again at the next start, so that a crash's leftovers
 * go once they turn stale rather than a day later. A marker from the future (a clock set back) does
 * not hold the walk back. Returns the paths removed; undefined when the walk was not due.
 */
export async function sweepStaleStagingWhenDue(root: string, marker: string, options: ThrottledSweepOptions = {}): Promise<string[] | undefined> {
  const now = options.now ?? Date.now();
  const last = await stat(marker).then((s) => s.mtimeMs, () => undefined);
  // A marker a little ahead of this clock is not a clock set back: file times and Date.now() may come from clocks that differ slightly.
  if (last !== undefined && now >= last - CLOCK_SLACK_MS && now - last < (options.everyMs ?? STALE_SWEEP_EVERY_MS)) return undefined;
  const { removed, young } = await sweep(root, options);
  if (young === 0) {
    await mkdir(path.dirname(marker), { recursive: true });
    await writeFile(marker, 'the last walk of the workspace for stale staged files (see staleStaging.ts)\n');
    // The time the walk began, by this process's clock, not the file system's.
    await utimes(marker, now / 1000, now / 1000);
  }
  return removed;
}

async function sweep(root: string, options: StaleStagingOptions): Promise<{ removed: string[]; young: number }> {
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

/** Of the workspace-relative `rels`, which have a staged file's name, removes the stale ones; returns them, sorted, and how many were kept for being young. */
async function removeStaleStaged(root: string, rels: readonly string[], options: StaleStagingOptions): Promise<{ removed: string[]; young: number }> {
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  let young = 0;
  for (const rel of rels) {
    const file = path.join(root, rel);
    const st = await lstat(file).catch(() => undefined);
    // A future mtime (a clock set back) counts as fresh.
    if (!st || !(st.isFile() || st.isSymbolicLink())) continue;
    if (!(now - st.mtimeMs >= STALE_STAGING_MS)) {
      young++;
      continue;
    }
    if (await unlink(file).then(() => true, () => false)) removed.push(rel);
  }
  return { removed: removed.sort(), young };
}
