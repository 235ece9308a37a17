import { lastKnown } from '../checkpoints/drift';
import { loadFileHistory } from '../checkpoints/fileHistory';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, SessionId } from '../store/types';
import type { FileChange } from '../tools/tool';
import { hashOrNull } from './fileChanges';
import { type MergedFile, mergedNote } from './outsideChanges';
import { mergeVersions } from './pendingMerge';

export interface LastSeenMerge {
  /** The changes, with the `after` of each file merged three-way with what changed outside. */
  changes: FileChange[];
  /** The files changed outside whose lines did not merge: why, for the user who decides (their `after` is left as planned). */
  conflicts: string[];
  /** What the model is told of the files merged; absent when none was. */
  note?: string;
}

/**
 * The model asks for a change from what it last saw of each file (its last read or write, or what a
 * drift note told it). A call planned later than it was asked for (queued behind a question the
 * session waited at, or after a crash) may find a file the user changed meanwhile: planned against
 * the disk as is, a whole-file write would silently undo the user's change. Each such file is
 * merged three-way (base: what the model last saw, ours: the planned version, theirs: the disk);
 * lines both changed are a conflict, for the user. Files the model never saw, or saw as they are,
 * are left as planned. `check` limits which changes are compared.
 */
export async function mergeWithLastSeen(
  store: CheckpointStore,
  sessionId: SessionId,
  changes: readonly FileChange[],
  check: (c: FileChange) => boolean = () => true,
): Promise<LastSeenMerge> {
  if (changes.length === 0) return { changes: [], conflicts: [] };
  const known = new Map(lastKnown(await loadFileHistory(store, sessionId), false).map((k) => [k.path, k]));
  const out: FileChange[] = [];
  const conflicts: string[] = [];
  const merged: MergedFile[] = [];
  for (const c of changes) {
    const k = known.get(c.path);
    const now = hashOrNull(c.before);
    if (!k || k.hash === now || (k.inFlight !== undefined && k.inFlight === now) || !check(c)) {
      out.push(c);
      continue;
    }
    const base = k.hash === null ? null : await store.getBlob(k.hash as BlobHash).catch(() => undefined);
    const o = base === undefined ? { path: c.path, conflict: `${c.path} changed outside the session ${SINCE}, and that version is not kept: no line merge applies` } : mergeVersions(c.path, base, c.after, c.before, SINCE);
    if ('conflict' in o) {
      conflicts.push(o.conflict);
      out.push(c);
      continue;
    }
    out.push({ ...c, after: o.merged });
    merged.push({ path: c.path, base: base ?? new Uint8Array(), disk: c.before ?? new Uint8Array() });
  }
  return { changes: out, conflicts, ...(merged.length > 0 ? { note: mergedNote(merged, 'since you last saw them') } : {}) };
}

const SINCE = 'since the model last saw it';
