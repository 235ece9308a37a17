import type {
  BlobHash,
  BlobInput,
  CommitResult,
  DeletionRecord,
  EffectRecord,
  EventRange,
  JournalEvent,
  ListSessionsOptions,
  NewSession,
  QuarantineNotice,
  RetentionCandidate,
  RetentionPolicy,
  SessionId,
  SessionLoad,
  SessionPage,
  SessionSummary,
  StepCommit,
  WorkspaceId,
} from './types';

/**
 * The durable checkpoint store of one workspace (port; `LevelCheckpointStore` implements it).
 *
 * Model: a session index, an append-only event journal per session, state snapshots every N
 * events, effect records keyed by (session, step, actionId), and a content-addressed blob store
 * shared by all sessions. Every method that writes does so in ONE atomic LevelDB batch: after a
 * crash a step is either wholly visible or not at all. Failures are `StoreError`s with a stable code.
 */
export interface CheckpointStore {
  readonly workspaceId: WorkspaceId;
  /** True when another process holds the database; reads work on a copy, writes throw READ_ONLY. */
  readonly readOnly: boolean;

  /** Creates a session and its index row atomically. */
  createSession(input: NewSession): Promise<SessionSummary>;

  /**
   * Appends one step: events, blobs, effect records, an optional snapshot and the index row, in one
   * atomic batch. Fails with HEAD_MISMATCH if `expectedHeadSeq` is stale (nothing is written), with
   * DISK_FULL if the disk is full (nothing is written, the store stays usable). Not idempotent: a
   * retry after an unknown outcome must first re-read the head.
   */
  commit(step: StepCommit): Promise<CommitResult>;

  /** Index row, or undefined if there is no such session. */
  getSession(id: SessionId): Promise<SessionSummary | undefined>;

  /** Sessions by most recent update first, paged; never reads journals. */
  listSessions(options?: ListSessionsOptions): Promise<SessionPage>;

  /**
   * What a resume needs: the index row, the latest valid snapshot and a stream of the events after
   * it. Damaged records are quarantined and reported (see `damage()` and `onQuarantine`); the
   * stream then ends at the last valid event instead of throwing.
   */
  loadSession<S = unknown>(id: SessionId): Promise<SessionLoad<S>>;

  /** Streams a range of a session's journal, in seq order (or reverse). */
  readEvents(id: SessionId, range?: EventRange): AsyncIterable<JournalEvent>;

  /**
   * The digests of a session's events (see `EventDigest`), in seq order, each as an event whose
   * `data` is the digest; events without one are absent. Undefined when they are not complete for
   * the whole journal under `version` (the caller then reads the journal). A damaged digest is
   * quarantined and gives undefined too.
   */
  readDigests(id: SessionId, version: string): Promise<JournalEvent[] | undefined>;

  /** The effect record for (session, step, actionId), if any phase was written. */
  getEffect(id: SessionId, step: number, actionId: string): Promise<EffectRecord | undefined>;

  /** All effect records of a session (optionally of one step), in (step, actionId) order. */
  listEffects(id: SessionId, step?: number): Promise<EffectRecord[]>;

  /** Stores blobs outside a step (deduplicated); returns their hashes. */
  putBlobs(owner: SessionId, blobs: BlobInput[]): Promise<BlobHash[]>;

  /** Full content of a blob; throws BLOB_NOT_FOUND or CORRUPT (the record is then quarantined). */
  getBlob(hash: BlobHash): Promise<Uint8Array>;

  /**
   * Full contents of several blobs, in the order of `hashes` (duplicates allowed), read in one
   * batch: what a resume or a rewind needs instead of one `getBlob` per message or file. All or
   * nothing: throws INVALID_ARGUMENT for a malformed hash, BLOB_NOT_FOUND if any blob is missing, or
   * CORRUPT (the damaged record is then quarantined). Read-only; an empty list gives an empty array.
   */
  getBlobs(hashes: readonly BlobHash[]): Promise<Uint8Array[]>;

  /**
   * As `getBlobs`, with undefined for a blob the store does not have (one kept by hash only) instead
   * of BLOB_NOT_FOUND: one batch where `hasBlob` then `getBlobs` read each record twice.
   */
  findBlobs?(hashes: readonly BlobHash[]): Promise<(Uint8Array | undefined)[]>;

  hasBlob(hash: BlobHash): Promise<boolean>;

  /** Updates index fields outside a step (pin, title, status), atomically. */
  updateSession(id: SessionId, patch: Pick<StepCommit, 'summary'>['summary'], options?: { keepUpdatedAt?: boolean }): Promise<SessionSummary>;

  /**
   * What the policy would delete: finished, unpinned sessions only, never one of `keep` (the caller
   * keeps it) nor one a kept session was forked from. Deletes nothing.
   */
  planRetention(policy: RetentionPolicy, now?: number, keep?: ReadonlySet<SessionId>): Promise<RetentionCandidate[]>;

  /**
   * Deletes a session, its journal, snapshots, effects and the blobs no other session uses, and
   * records a DeletionRecord. Interrupted deletions are finished by the next call of `vacuum()`.
   * `onlyIfIdleSince` (retention): deletes only when the session is still finished, unpinned and last
   * updated at that time, checked under the session's lock; else throws HEAD_MISMATCH, deleting nothing.
   */
  deleteSession(id: SessionId, reason: string, options?: { onlyIfIdleSince?: number }): Promise<DeletionRecord>;

  /** Finishes interrupted deletions. Idempotent. */
  vacuum(): Promise<number>;

  /** Every deletion ever made, newest first: nothing is deleted silently. */
  listDeletions(): Promise<DeletionRecord[]>;

  /** Records quarantined so far (this store's lifetime and earlier ones). */
  listQuarantine(): Promise<QuarantineNotice[]>;

  /** Subscribes to quarantine notices as they happen. Returns an unsubscribe function. */
  onQuarantine(listener: (notice: QuarantineNotice) => void): () => void;

  /** Flushes and releases the database (and its lock). Idempotent. */
  close(): Promise<void>;

  /**
   * Says a synced commit comes soon (the record of a rewind being planned): a store that can gets
   * ready for it in the background, so that the commit waits for less. Nothing else changes.
   */
  prepareCommit?(): void;
}
