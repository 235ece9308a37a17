import type { CheckpointStore } from './checkpointStore';
import { SessionLocks } from './sessionLocks';
import type { SessionId } from './types';

/**
 * Operations on one session of one store, in this process, one after the other: rewinds and their
 * undos, and a runner taking a session up. Each checks the session (idle, at the head it planned
 * for) and then writes; run one after the other, the second sees what the first wrote instead of
 * racing it to the journal. Other processes cannot write the store (one writer per store).
 */
const queues = new WeakMap<CheckpointStore, SessionLocks>();

/**
 * Settles when the operations queued on the store's sessions now have ended: a rewind between its
 * record and its renames finishes before the store closes (and its lock lets another window in).
 */
export async function sessionOpsDone(store: CheckpointStore): Promise<void> {
  await queues.get(store)?.idle();
}

export function oneSessionOpAtATime<T>(store: CheckpointStore, id: SessionId, fn: () => Promise<T>): Promise<T> {
  let locks = queues.get(store);
  if (!locks) queues.set(store, (locks = new SessionLocks()));
  return locks.run(id, fn);
}
