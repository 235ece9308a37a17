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
}

type TidyStore = Pick<CheckpointStore, 'readOnly' | 'vacuum' | 'planRetention' | 'deleteSession'>;

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
  if (store.readOnly) return { finished: 0, deleted: [] };
  const finished = await store.vacuum();
  const deleted: DeletionRecord[] = [];
  const plan = o.policy ? await store.planRetention(o.policy, o.now) : [];
  for (const c of plan) {
    if (o.busy?.(c.sessionId)) continue;
    try {
      deleted.push(await store.deleteSession(c.sessionId, REASONS[c.reason], { onlyIfIdleSince: c.updatedAt }));
    } catch (e) {
      // Resumed, pinned or deleted meanwhile: it is not the session the plan chose.
      if (!StoreError.is(e, 'HEAD_MISMATCH') && !StoreError.is(e, 'SESSION_NOT_FOUND')) throw e;
    }
  }
  return { finished, deleted };
}
