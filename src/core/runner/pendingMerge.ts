import { diffArrays } from 'diff';
import { type Merge3Conflict, lineDiffLimits, merge3, splitLines } from '../checkpoints/merge3';
import type { BlobHash } from '../store/types';
import type { PlannedMutation } from './runEvents';
import { hashBytes } from './sessionJournal';

/** A file the session means to change whose content on disk is no longer the one the change was made from. */
export interface StaleChange {
  path: string;
  /** What the session's change was made from, and what it makes (hashes, with blobs in the store). */
  planned: PlannedMutation;
  /** The file on disk now (null: it does not exist). */
  disk: Uint8Array | null;
}

export type MergeOutcome = { path: string; merged: Uint8Array } | { path: string; conflict: string };

const encoder = new TextEncoder();
// ignoreBOM keeps a byte-order mark as a character of the text, so a merged file keeps it (or loses it) as the sides do.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function text(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Merges the session's change into a file that changed under it (base = what the change was made
 * from, ours = what it makes, theirs = the disk now). Clean line merges of text files go ahead;
 * everything else (overlapping lines, binary content, a file created or deleted on one side, the
 * base no longer in the store) is a conflict for the user. Never applies a stale change blindly.
 */
export async function mergeStale(change: StaleChange, getBlob: (h: BlobHash) => Promise<Uint8Array>): Promise<MergeOutcome> {
  const { path, planned, disk } = change;
  if (disk && planned.afterHash && hashBytes(disk) === planned.afterHash) return { path, merged: disk };
  const why = conflictWhy(path, 'since the edit was planned');
  if (planned.beforeHash === null || planned.afterHash === null || disk === null) return why(NO_LINE_MERGE);
  let base: Uint8Array;
  let ours: Uint8Array;
  try {
    [base, ours] = await Promise.all([getBlob(planned.beforeHash as BlobHash), getBlob(planned.afterHash as BlobHash)]);
  } catch {
    return why('the version the edit was made from is not in the store');
  }
  return mergeVersions(path, base, ours, disk, 'since the edit was planned');
}

const NO_LINE_MERGE = 'the edit creates or deletes the file, or the file is gone: no line merge applies';

const conflictWhy = (path: string, since: string) => (reason: string) => ({ path, conflict: `${path} changed outside the session ${since}, and ${reason}` });

/**
 * As `mergeStale`, from the contents themselves (null: absent), `since` saying from when the disk
 * changed ("since the edit was planned"), for the conflict's wording.
 */
export function mergeVersions(path: string, base: Uint8Array | null, ours: Uint8Array | null, disk: Uint8Array | null, since: string): MergeOutcome {
  if (disk && ours && hashBytes(disk) === hashBytes(ours)) return { path, merged: disk };
  const why = conflictWhy(path, since);
  if (base === null || ours === null || disk === null) return why(NO_LINE_MERGE);
  const [b, o, t] = [text(base), text(ours), text(disk)];
  if (b === undefined || o === undefined || t === undefined) return why('it is not a text file');
  const result = merge3(b, o, t);
  if (!result.clean) {
    const baseLines = splitLines(b).length;
    if (result.tooManyChanges) return why(`too many of its ${baseLines} lines changed to merge line by line`);
    return why(`both changed the same lines (${result.conflicts.map((c) => place(c, baseLines)).join(', ')})`);
  }
  return { path, merged: encoder.encode(result.text) };
}

/**
 * Where a conflict is, in 1-based lines of the base: the lines both sides changed, or for two
 * insertions at one place (no line of the base replaced), the line they both follow. "lines 4-4"
 * of a 3-line file named a line that does not exist, "lines 2-2" one neither side touched.
 */
function place(c: Merge3Conflict, baseLines: number): string {
  if (c.baseEnd > c.baseStart) return `lines ${c.baseStart + 1}-${c.baseEnd}`;
  if (c.baseStart === 0) return 'at the start of the file';
  return c.baseStart >= baseLines ? `at the end of the file, after line ${c.baseStart}` : `after line ${c.baseStart}`;
}

/**
 * The changes the user approved, made from the files as they are now (for a tool that no longer
 * plans against them): undefined unless a file changed since the plan, or when a version is no
 * longer kept or a file cannot be read.
 */
export async function approvedFromDisk(
  mutations: readonly PlannedMutation[],
  readFile: (path: string) => Promise<Uint8Array | undefined>,
  getBlob: (h: BlobHash) => Promise<Uint8Array>,
): Promise<{ path: string; before: Uint8Array | null; after: Uint8Array | null }[] | undefined> {
  const out: { path: string; before: Uint8Array | null; after: Uint8Array | null }[] = [];
  let drifted = false;
  for (const m of mutations) {
    let disk: Uint8Array | null;
    let after: Uint8Array | null;
    try {
      disk = (await readFile(m.path)) ?? null;
      after = m.afterHash ? await getBlob(m.afterHash as BlobHash) : null;
    } catch {
      return undefined;
    }
    if ((disk === null ? null : hashBytes(disk)) !== m.beforeHash) drifted = true;
    out.push({ path: m.path, before: disk, after });
  }
  return drifted ? out : undefined;
}

/**
 * An edit in flight at a crash whose file is neither as before it nor as it makes it: either the
 * edit never reached the disk and someone changed the file from before, or it reached it and they
 * changed it after; exactly one is so. True for the second when the disk differs from the edit's
 * result in fewer lines than from its base (the first is merged, or asked about, as a stale change).
 * Text files only; a tie is not.
 */
export function changedAfterEdit(before: Uint8Array, after: Uint8Array, disk: Uint8Array): boolean {
  const [b, a, d] = [text(before), text(after), text(disk)];
  if (b === undefined || a === undefined || d === undefined) return false;
  const fromAfter = changedLines(a, d);
  return fromAfter !== undefined && fromAfter < (changedLines(b, d) ?? Number.POSITIVE_INFINITY);
}

/** Lines removed plus lines added from `x` to `y`; undefined past the diff's limits. */
function changedLines(x: string, y: string): number | undefined {
  const [xs, ys] = [splitLines(x), splitLines(y)];
  const parts = diffArrays(xs, ys, lineDiffLimits(xs.length, ys.length));
  return parts?.reduce((n, p) => n + (p.added || p.removed ? p.value.length : 0), 0);
}

/** `changedAfterEdit` for a mutation in flight at a crash: the file, from the edit's result (`base`) to the disk; undefined when not so, or when its versions are not kept. */
export async function changedAfterWrite(m: PlannedMutation, disk: Uint8Array, getBlob: (h: BlobHash) => Promise<Uint8Array>): Promise<{ path: string; base: Uint8Array; disk: Uint8Array } | undefined> {
  if (m.afterHash === null) return undefined;
  try {
    // A file the edit created was nothing before it.
    const [before, after] = await Promise.all([m.beforeHash === null ? new Uint8Array() : getBlob(m.beforeHash as BlobHash), getBlob(m.afterHash as BlobHash)]);
    return changedAfterEdit(before, after, disk) ? { path: m.path, base: after, disk } : undefined;
  } catch {
    return undefined;
  }
}
