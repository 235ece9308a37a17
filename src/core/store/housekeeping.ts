import { CheckpointError } from '../checkpoints/checkpointEvents';
import { listRewinds, undoable } from '../checkpoints/rewindRecords';
import { targetName } from '../checkpoints/planText';
import type { CheckpointStore } from './checkpointStore';
import { StoreError } from './errors';
import type { DeletionRecord, RetentionCandidate, RetentionPolicy, SessionId } from './types';

export interface HousekeepingOptions {
  /** The user's retention (`savepoint.retention.*`); none: no session is deleted. */
  policy?: RetentionPolicy;
  now?: number;
  /** Sessions this process is running or starting (a resume not yet written): never deleted. */
  busy?: (id: SessionId) => boolean;
}

export interface HousekeepingResult {
  /** Deletions a crash (or a closed window) cut short, finished now: their records and blobs are gone. */
  finished: number;
  /** Sessions the retention policy deleted now. */
  deleted: DeletionRecord[];
  /** Sessions the policy chose but that were kept, and why (a rewind of theirs can still be undone). */
  kept: KeptSession[];
}

export interface KeptSession {
  sessionId: SessionId;
  title: string;
  /** Why, in the user's words: "its rewind to step 2 is not undone (…)". */
  why: string;
}

type TidyStore = Pick<CheckpointStore, 'readOnly' | 'vacuum' | 'planRetention' | 'deleteSession' | 'getSession' | 'readDigests' | 'readEvents'>;

const REASONS: Record<RetentionCandidate['reason'], string> = {
  keepLast: 'retention: more finished sessions than savepoint.retention.keepLastSessions keeps',
  maxAge: 'retention: older than savepoint.retention.maxAgeDays',
  maxSessionBytes: 'retention: larger than the size kept per session',
  maxTotalBytes: 'retention: the store was larger than the total size kept',
};

/**
 * What a writable store needs once it is open (the editor runs it after its restart recovery):
 * finishes the deletions a crash cut short (`vacuum`), so that the space of a session deleted just
 * before a crash is freed, then deletes what the retention policy says (finished, unpinned sessions
 * only). A session that changed since the plan (resumed, pinned) or that `busy` names is kept: each
 * deletion is checked again under the session's lock. Idempotent; a read-only store is left alone.
 */
export async function tidyStore(store: TidyStore, o: HousekeepingOptions = {}): Promise<HousekeepingResult> {
  if (store.readOnly) return { finished: 0, deleted: [], kept: [] };
  const finished = await store.vacuum();
  const deleted: DeletionRecord[] = [];
  const kept: KeptSession[] = [];
  if (!o.policy) return { finished, deleted, kept };
  // What stays is never counted as freed: the plan is made again without the sessions kept (and
  // those they came from), until it holds none, so that a size limit picks others in their place.
  const keep = new Set<SessionId>();
  const free = new Set<SessionId>();
  let plan: RetentionCandidate[];
  for (;;) {
    plan = (await store.planRetention(o.policy, o.now, keep)).filter((c) => !keep.has(c.sessionId));
    let stays = false;
    for (const c of plan) {
      if (free.has(c.sessionId)) continue;
      const why = o.busy?.(c.sessionId) ? null : await undoHeld(store, c.sessionId);
      if (why === undefined) {
        free.add(c.sessionId);
        continue;
      }
      keep.add(c.sessionId);
      if (why !== null) kept.push({ sessionId: c.sessionId, title: c.title, why });
      stays = true;
    }
    if (!stays) break;
  }
  for (const c of plan) {
    try {
      deleted.push(await store.deleteSession(c.sessionId, REASONS[c.reason], { onlyIfIdleSince: c.updatedAt }));
    } catch (e) {
      // Resumed, pinned or deleted meanwhile: it is not the session the plan chose.
      if (!StoreError.is(e, 'HEAD_MISMATCH') && !StoreError.is(e, 'SESSION_NOT_FOUND')) throw e;
    }
  }
  return { finished, deleted, kept };
}

/**
 * Why the session must stay: a rewind of its files that is not undone (its safety checkpoint, kept in
 * this session only, is the one way back to the files as they were before it). Undefined: nothing holds it.
 */
async function undoHeld(store: TidyStore, id: SessionId): Promise<string | undefined> {
  let open;
  try {
    open = (await listRewinds(store as CheckpointStore, id)).filter((r) => undoable(r) && r.left.length > 0);
  } catch (e) {
    // Gone meanwhile: its deletion below finds it so. Unreadable: kept, rather than deleted unread.
    if (CheckpointError.is(e, 'NOT_FOUND') || StoreError.is(e, 'SESSION_NOT_FOUND')) return undefined;
    return `its rewinds could not be read (${e instanceof Error ? e.message : String(e)})`;
  }
  const newest = open[0];
  if (!newest) return undefined;
  const others = open.length > 1 ? ` and ${open.length - 1} earlier one${open.length > 2 ? 's' : ''}` : '';
  return `its rewind to ${targetName(newest.targetStep)}${others} ${open.length > 1 ? 'are' : 'is'} not undone (the session holds the files as they were before it)`;
}
