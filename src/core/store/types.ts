/** Plain data types of the durable checkpoint store. */

export type Brand<T, B extends string> = T & { readonly __brand: B };

/** Time-sortable session id (a ULID). */
export type SessionId = Brand<string, 'SessionId'>;
/** Lower-case hex sha-256 of a blob's full content. */
export type BlobHash = Brand<string, 'BlobHash'>;
/** Stable id of a workspace, created once and kept in its store. */
export type WorkspaceId = Brand<string, 'WorkspaceId'>;

export type SessionStatus =
  | 'running'
  | 'waiting'
  | 'paused'
  | 'interrupted'
  | 'completed'
  | 'failed';

/** Statuses in which a session may still change on its own; retention never touches them. */
export const ACTIVE_STATUSES: readonly SessionStatus[] = ['running', 'waiting', 'paused', 'interrupted'];

export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface PendingApprovalSummary {
  id: string;
  tool: string;
  summary: string;
  requestedAt: number;
  /** Its user stopped the session at this question (a pause, Ctrl+C): no approval timeout answers it until a resume. */
  held?: true;
}

export interface SessionLink {
  sessionId: SessionId;
  seq: number;
  /** The step of that session the link starts after (absent in links recorded before it was kept). */
  step?: number;
}

/** One row of the session index. Updated in the same atomic batch as the step it describes. */
export interface SessionSummary {
  id: SessionId;
  title: string;
  status: SessionStatus;
  createdAt: number;
  updatedAt: number;
  /** Number of completed steps (checkpoints) in the session. */
  stepCount: number;
  /** Seq of the last journal event (0 when the journal is empty). */
  headSeq: number;
  /** Seq of the latest state snapshot (0 when none). */
  snapshotSeq: number;
  tokens: TokenUsage;
  costUsd: number;
  pendingApproval: PendingApprovalSummary | null;
  pinned: boolean;
  parent: SessionLink | null;
  /** Encoded bytes this session wrote (events, snapshots, effects, blobs it introduced). */
  sizeBytes: number;
  /**
   * The event digests of this session are complete up to `seq` (there are `count` of them) under
   * digest `version`. Stale (seq < headSeq) or absent when some event was written without one: an
   * older Savepoint, or a store opened without the digest. Readers then fall back to the journal.
   */
  digests?: DigestCoverage;
  /** The step of the last journal event (absent in rows written before it was kept, and before any event). */
  lastStep?: number;
  /**
   * Staging tags of the session's rewind (or undo) whose renames were under way: set with its record,
   * cleared by its settlement. Still set after a restart, a crash cut that rewind short and its
   * temporary files may be beside the user's files: start-up looks for them (`sweepCrashLeftovers`).
   */
  unsettled?: string[];
  /** A command of this running session waits for its turn in its folder (`behind`: the session whose command runs, when known). */
  queued?: QueuedSummary;
}

export interface QueuedSummary {
  behind?: SessionId;
}

export interface DigestCoverage {
  version: string;
  seq: number;
  count: number;
  /** How many of them, at the end, are not in a page yet. */
  tail: number;
}

/**
 * A small extract of some journal events, written by the store in the same batch as the event (see
 * `CheckpointStore.readDigests`): what a reader that needs only a few fields of a few event types
 * reads instead of decoding the whole journal. Pure; `undefined` for an event without a digest.
 */
export interface EventDigest {
  /** Names the extract's shape. A store never mixes versions within a session. */
  version: string;
  of(type: string, data: unknown): unknown;
}

/** Fields a step may change in the index; the store owns id, createdAt, updatedAt, headSeq, snapshotSeq, sizeBytes. */
export type SummaryPatch = Partial<
  Pick<SessionSummary, 'title' | 'status' | 'stepCount' | 'tokens' | 'costUsd' | 'pendingApproval' | 'pinned' | 'unsettled'>
> & { queued?: QueuedSummary | null };

export interface JournalEvent<T = unknown> {
  /** Monotonic per session, starting at 1. */
  seq: number;
  /** Wall-clock time of the commit (ms since epoch). */
  at: number;
  /** The agent step this event belongs to. */
  step: number;
  type: string;
  data: T;
}

export interface NewEvent<T = unknown> {
  step: number;
  type: string;
  data: T;
  /** The event's own time (an imported session keeps its original times); the commit's time otherwise. */
  at?: number;
}

/** Content to keep in the blob store. `deltaBase` lets the store keep it as a small delta against an earlier blob. */
export interface BlobInput {
  content: Uint8Array;
  deltaBase?: BlobHash;
  /**
   * The sha-256 of `content`, when the caller has just computed it from these very bytes (the
   * runner hashes each message it journals): the store then does not hash them again. A wrong
   * value would break content addressing, so only pass one computed by `hashBlob`'s rule.
   */
  hash?: BlobHash;
}

export type EffectPhase = 'intent' | 'result';

/** A side-effect record (LangGraph putWrites / Temporal activity result), keyed by (session, step, actionId). */
export interface EffectWrite<T = unknown> {
  step: number;
  actionId: string;
  phase: EffectPhase;
  data: T;
  /** As NewEvent.at. */
  at?: number;
}

export interface EffectRecord<I = unknown, R = unknown> {
  step: number;
  actionId: string;
  intent?: { at: number; data: I };
  result?: { at: number; data: R };
}

export interface StepCommit {
  sessionId: SessionId;
  /** Optimistic concurrency: the headSeq the writer last saw. The commit fails with HEAD_MISMATCH otherwise. */
  expectedHeadSeq: number;
  events: NewEvent[];
  blobs?: BlobInput[];
  effects?: EffectWrite[];
  summary?: SummaryPatch;
  /**
   * The session state after these events. Called only when the store's policy wants a snapshot
   * (every `snapshotEvery` events), so callers never serialize state they do not need to.
   */
  snapshot?: () => unknown;
  /** Force a snapshot regardless of policy (e.g. after a compaction). */
  forceSnapshot?: boolean;
  /**
   * Skip the fsync of this batch even with syncWrites on. It survives a crash of the process (the
   * OS has it) but not a power loss until the next synced commit, or the store's own sync of its
   * log a moment later (see LoggedWrites; without the log, the next synced commit repeats it: see
   * StoreContext.write). A power loss thus loses at most the deferred commits since the last synced
   * one, never one before a kept commit. For records whose loss the caller can reconcile (a result
   * it can re-derive), never for an intent that precedes a side effect.
   */
  deferSync?: boolean;
}

export interface CommitResult {
  headSeq: number;
  blobHashes: BlobHash[];
  snapshotWritten: boolean;
  bytesWritten: number;
  summary: SessionSummary;
}

export interface NewSession {
  title: string;
  status?: SessionStatus;
  parent?: SessionLink | null;
  pinned?: boolean;
  /** Use a given id (e.g. a CLI replaying a fixture); a fresh ULID otherwise. */
  id?: SessionId;
  /** When it was created, if not now: an imported session keeps the time it was created where it was exported. */
  createdAt?: number;
}

export interface StoredSnapshot<S = unknown> {
  seq: number;
  state: S;
}

/** A record that failed its checksum or could not be decoded, moved aside and reported. */
export interface QuarantineNotice {
  key: string;
  reason: string;
  sessionId?: SessionId;
  at: number;
}

export interface SessionLoad<S = unknown> {
  summary: SessionSummary;
  snapshot: StoredSnapshot<S> | undefined;
  /** Events after the snapshot, streamed in seq order. Stops before the first damaged event. */
  tail: AsyncIterable<JournalEvent>;
  /** Set when part of the journal could not be read; the tail ends at the last valid event. */
  damage: () => SessionDamage | undefined;
}

export interface SessionDamage {
  /** The last seq that is readable and valid. */
  lastValidSeq: number;
  notices: QuarantineNotice[];
}

export interface ListSessionsOptions {
  limit?: number;
  /** Continue after this cursor (returned by a previous page). */
  cursor?: string;
}

export interface SessionPage {
  sessions: SessionSummary[];
  cursor?: string;
}

export interface EventRange {
  fromSeq?: number;
  toSeq?: number;
  limit?: number;
  reverse?: boolean;
}

export interface RetentionPolicy {
  /** Keep at most this many finished, unpinned sessions (most recently updated win). */
  keepLast?: number;
  /** Finished, unpinned sessions not updated for this long are removed. */
  maxAgeMs?: number;
  /** Finished, unpinned sessions larger than this are removed. */
  maxSessionBytes?: number;
  /** Oldest finished, unpinned sessions are removed until the total is below this. */
  maxTotalBytes?: number;
}

export interface RetentionCandidate {
  sessionId: SessionId;
  title: string;
  sizeBytes: number;
  updatedAt: number;
  reason: 'keepLast' | 'maxAge' | 'maxSessionBytes' | 'maxTotalBytes';
}

export interface DeletionRecord {
  sessionId: SessionId;
  title: string;
  reason: string;
  deletedAt: number;
  sizeBytes: number;
  blobsFreed: number;
}
