import type { ContentEntry, ContentHash, ContentStore } from '../ports/changeCapture';
import type { CheckpointStore } from '../store/checkpointStore';
import { StoreError } from '../store/errors';
import type { BlobHash, SessionId } from '../store/types';

/**
 * The capture's contents kept as blobs of the checkpoint store, owned by the running session: the
 * store deduplicates them across steps and sessions (a second session on the same workspace adds
 * only what changed) and deletes them with the last session that owns them. Both hash the same way
 * (hex sha-256), so a change set's hashes are blob hashes.
 */
export class CheckpointContentStore implements ContentStore {
  constructor(
    private readonly store: CheckpointStore,
    private readonly owner: SessionId,
  ) {}

  async put(entries: readonly ContentEntry[]): Promise<void> {
    if (entries.length > 0) await this.store.putBlobs(this.owner, entries.map((e) => ({ content: e.bytes })));
  }

  async get(hash: ContentHash): Promise<Uint8Array | undefined> {
    try {
      return await this.store.getBlob(hash as BlobHash);
    } catch (e) {
      if (StoreError.is(e, 'BLOB_NOT_FOUND')) return undefined;
      throw e;
    }
  }
}
