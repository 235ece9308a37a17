import { type Workspace, WorkspaceError } from '../ports/workspace';
import type { CheckpointStore } from '../store/checkpointStore';
import type { JournalEvent } from '../store/types';
import { CheckpointError } from './checkpointEvents';
import type { RewindPlan } from './rewindPlan';

/**
 * The folders of a rewind's files. A rewind tracks files, not folders: what it deletes may leave a
 * folder that a later step made holding nothing, and what it writes may need a folder that a file
 * stands in for now.
 */

/**
 * When the step a rewind goes back to was over, as far as the session's file events say: the time of
 * its last one at or before that step (each tool call's result is one, journaled after what the call
 * did). Undefined when there is none (the rewind goes back to before the first): the session's start
 * then stands in (`removeEmptiedFolders`).
 */
export function stepEndedAt(events: readonly JournalEvent[], step: number): number | undefined {
  let at: number | undefined;
  for (const e of events) if (e.step <= step && (at === undefined || e.at > at)) at = e.at;
  return at;
}

/**
 * After a rewind's renames: the folders its deletions emptied that were not there when the target
 * step was over (`mkdir -p gen && …` in a later step) are removed, as `git checkout` removes the
 * folders it empties. A folder born before, one whose birth the file system does not keep, and one
 * holding anything at all stay. Returns the removed ones; best effort (a failure removes nothing more).
 */
export async function removeEmptiedFolders(store: CheckpointStore, workspace: Workspace, plan: RewindPlan, written: readonly string[]): Promise<string[]> {
  if (!workspace.removeEmptiedDirs) return [];
  const deletions = new Set(plan.files.filter((f) => f.action === 'delete').map((f) => f.path));
  // The deletions of an earlier attempt a crash cut short (its record, no settlement): done again, the rewind finds those files gone.
  const crashed = new Set(plan.unsettled.flatMap((u) => u.deleted ?? []));
  const deleted = [...written.filter((p) => deletions.has(p)), ...plan.files.filter((f) => f.action === 'none' && f.toHash === null && crashed.has(f.path)).map((f) => f.path)];
  if (deleted.length === 0) return [];
  const since = plan.stepEndedAt ?? (await store.getSession(plan.sessionId).catch(() => undefined))?.createdAt;
  if (since === undefined) return [];
  return workspace.removeEmptiedDirs(deleted, since).catch(() => []);
}

/**
 * A file to write inside a folder that is a file now (a command swapped them, `rm -r d && echo > d`):
 * said so, with what to do, instead of the staging's "a parent is a file". Nothing was written.
 */
export async function fileWhereFolderWas(workspace: Workspace, e: unknown): Promise<unknown> {
  if (!WorkspaceError.is(e, 'NOT_DIRECTORY')) return e;
  let dir = e.path;
  do {
    const slash = dir.lastIndexOf('/');
    dir = slash < 0 ? '' : dir.slice(0, slash);
  } while (dir !== '' && (await workspace.stat(dir).catch(() => undefined))?.type !== 'file');
  if (dir === '') return e;
  return new CheckpointError(
    'INVALID',
    `${dir} is a file now where the session had a folder (${e.path} was in it): a rewind does not replace a file with a folder. Move or remove the file ${dir}, then try again. Nothing was changed.`,
  );
}

