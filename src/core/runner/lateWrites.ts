import type { Workspace } from '../ports/workspace';
import { WorkspaceError } from '../ports/workspace';
import type { BlobHash, BlobInput } from '../store/types';
import type { FileChange } from '../tools/tool';
import { hashOrNull } from './fileChanges';
import { type MergedFile, mergedNote } from './outsideChanges';
import { mergeVersions } from './pendingMerge';
import type { PlannedMutation } from './runEvents';
import type { SessionJournal } from './sessionJournal';
import { hashBytes } from './sessionJournal';

const WHILE = 'while the edit was being made';

/** An edit's files as they are right before the write, when one changed since the edit was planned. */
export type LateWrites =
  /** Merged with what changed: the versions to write, the merge record of the result, its blobs, and the model's note. */
  | { changes: FileChange[]; merged: PlannedMutation[]; blobs: BlobInput[]; note: string }
  /** Lines both changed (or no line merge applies): nothing is to be written; the model's result says why. */
  | { notWritten: string };

/**
 * Reads an edit's files again right before they are written. Between the plan (the file read, the
 * new version made from it) and the write, the intent is journaled and the findings before the step
 * are taken, which can take seconds; another session's edit or the user's save may land meanwhile.
 * A planned version written over it would silently undo that change: a file that changed is merged
 * three-way (base: what the edit was made from), and when the lines overlap nothing is written.
 * Undefined: every file is as planned.
 */
export async function lateWrites(ws: Workspace, changes: readonly FileChange[]): Promise<LateWrites | undefined> {
  const late: { c: FileChange; disk: Uint8Array | null }[] = [];
  for (const c of changes) {
    // A path the write cannot reach now is refused by the write itself, as before.
    const disk = await ws.readFile(c.path).catch((e: unknown) => (WorkspaceError.is(e) ? hashOrNull(c.before) : Promise.reject(e)));
    if (typeof disk === 'string' || hashOrNull(disk) === hashOrNull(c.before)) continue;
    late.push({ c, disk: disk ?? null });
  }
  if (late.length === 0) return undefined;
  const conflicts: string[] = [];
  const merged = new Map<string, Uint8Array>();
  for (const { c, disk } of late) {
    const o = mergeVersions(c.path, c.before, c.after, disk, WHILE);
    if ('conflict' in o) conflicts.push(o.conflict);
    else merged.set(c.path, o.merged);
  }
  if (conflicts.length > 0) {
    return { notWritten: `The edit was not made: ${conflicts.join('; ')}. Nothing was written; read it again before editing it (the change may be another session's or the user's).` };
  }
  const outside: MergedFile[] = late.map(({ c, disk }) => ({ path: c.path, base: c.before ?? undefined, disk: disk ?? new Uint8Array() }));
  const blobs: BlobInput[] = [];
  const record: PlannedMutation[] = [];
  for (const { disk, c } of late) {
    const after = merged.get(c.path) as Uint8Array;
    record.push({ path: c.path, beforeHash: hashOrNull(disk), afterHash: hashBytes(after) });
    if (disk) blobs.push({ content: disk }, { content: after, deltaBase: hashBytes(disk) });
    else blobs.push({ content: after });
  }
  return { changes: changes.map((c) => (merged.has(c.path) ? { ...c, before: late.find((l) => l.c === c)?.disk ?? null, after: merged.get(c.path) ?? null } : c)), merged: record, blobs, note: mergedNote(outside, WHILE) };
}

/** `p`'s value, or the workspace's refusal of a path (its folder made a file meanwhile) as a value: the call then ends with a result saying so. */
export const refusedOr = <T>(p: Promise<T>): Promise<T | WorkspaceError> => p.catch((e: unknown) => (WorkspaceError.is(e) ? e : Promise.reject(e)));

/** A version's contents, when it is kept (undefined otherwise). */
export const kept = (j: SessionJournal, h: string | null | undefined): Promise<Uint8Array | undefined> => (h ? j.getBlob(h as BlobHash).catch(() => undefined) : Promise.resolve(undefined));
