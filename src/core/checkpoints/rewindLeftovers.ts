import type { Workspace } from '../ports/workspace';
import type { CheckpointStore } from '../store/checkpointStore';
import { oneSessionOpAtATime } from '../store/sessionOps';
import type { JournalEvent, SessionId, SessionSummary } from '../store/types';
import { type RewindData, type RewindUndoneData, recordKey, settlements } from './checkpointEvents';
import { readTouchEvents } from './fileHistory';

/** What rewinds and undos a crash cut short left beside the user's files: found from their records, removed. */

/** A rewind or undo record with no settlement: its staging tag and its files. */
export interface Unsettled {
  tag: string;
  paths: string[];
  /** A rewind's: the files it deletes (gone already, maybe, with the folders they emptied left). */
  deleted?: string[];
}

/** The session's rewind and undo records that have no settlement (a crash cut them short), newest last. */
export function unsettledOf(events: readonly JournalEvent[]): Unsettled[] {
  const settled = settlements(events);
  return events.flatMap((e) => {
    if (e.type !== 'rewind' && e.type !== 'rewind_undone') return [];
    const d = e.data as RewindData | RewindUndoneData;
    if (!d.tag || d.files.length === 0 || settled.has(recordKey(e.type, d.rewindId, e.type === 'rewind_undone' ? (d as RewindUndoneData).part : undefined))) return [];
    const deleted = e.type === 'rewind' ? d.files.filter((f) => f.toHash === null).map((f) => f.path) : [];
    return [{ tag: d.tag, paths: d.files.map((f) => f.path), ...(deleted.length ? { deleted } : {}) }];
  });
}

/**
 * After a restart: removes the temporary files that rewinds and undos a crash cut short left beside
 * the user's files, for each session whose row says one was under way (`SessionSummary.unsettled`):
 * a conversation rewind's session too, although its conversation goes on in the fork, and a finished
 * session nobody takes up again. The journal names the files (the unsettled records, `Unsettled`).
 * Each session's part runs in its queue, after any rewind of it in progress here. Returns how many
 * files it removed.
 */
export async function sweepCrashLeftovers(store: CheckpointStore, workspace: Workspace, sessions: readonly SessionSummary[]): Promise<number> {
  let removed = 0;
  for (const s of sessions) if (s.unsettled?.length) removed += await removeCrashLeftovers(store, workspace, s.id);
  return removed;
}

/**
 * One session's part of `sweepCrashLeftovers`, whatever its row says: also before the session is
 * deleted, after which nothing would name those files any more.
 */
export async function removeCrashLeftovers(store: CheckpointStore, workspace: Workspace, id: SessionId): Promise<number> {
  return oneSessionOpAtATime(store, id, async () => {
    const { removed, still } = await removeUnsettled(workspace, await readTouchEvents(store, id).then((t) => unsettledOf(t.events), () => []));
    // The row names only what is still there, so that the next start-up does not look again.
    const row = await store.getSession(id).catch(() => undefined);
    if (row?.unsettled && !store.readOnly && row.unsettled.some((t) => !still.includes(t))) {
      await store.updateSession(id, { unsettled: row.unsettled.filter((t) => still.includes(t)) }, { keepUpdatedAt: true }).catch(() => undefined);
    }
    return removed;
  });
}

/**
 * Removes the temporary files of these crashed records (best effort: a leftover is never in the
 * way). Returns how many it removed and the tags whose files are still there.
 */
export async function removeUnsettled(workspace: Workspace, unsettled: readonly Unsettled[]): Promise<{ removed: number; still: string[] }> {
  let removed = 0;
  const still: string[] = [];
  for (const u of unsettled) {
    const r = await workspace.removeStaged(u.tag, u.paths).catch(() => ({ removed: 0, left: 1 }));
    removed += r.removed;
    if (r.left > 0) still.push(u.tag);
  }
  return { removed, still };
}
