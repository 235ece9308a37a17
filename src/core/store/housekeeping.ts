import type { CheckpointStore } from './checkpointStore';

export interface HousekeepingResult {
  /** Deletions a crash (or a closed window) cut short, finished now: their records and blobs are gone. */
  finished: number;
}

/**
 * What a writable store needs once it is open (the editor runs it after its restart recovery):
 * finishes the deletions a crash cut short (`vacuum`), so that the space of a session deleted just
 * before a crash is freed. Without it, the records and blobs of such a session stayed in the store
 * for good (the session is gone from the list, nothing ever finished its purge). Idempotent; a
 * read-only store is left alone.
 */
export async function tidyStore(store: CheckpointStore): Promise<HousekeepingResult> {
  if (store.readOnly) return { finished: 0 };
  return { finished: await store.vacuum() };
}
