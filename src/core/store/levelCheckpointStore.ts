import { monotonicFactory } from 'ulid';
import { allSessions } from './allSessions';
import { pickPatch } from './summaryPatch';
import { BlobStore } from './blobStore';
import { DigestLog } from './digestLog';
import type { CheckpointStore } from './checkpointStore';
import { RecordCodec } from './codec';
import { StoreError } from './errors';
import { JournalReader } from './journalReader';
import { isValidSessionId, keys } from './keys';
import { TOUCH_DIGEST } from '../checkpoints/touchDigest';
import { Retention, retainable } from './retention';
import { SessionLocks } from './sessionLocks';
import { stepRecords } from './stepRecords';
import { readOrInitMeta } from './storeMeta';
import { type BatchOp, type Db, StoreContext } from './storeContext';
import type { LevelStoreOptions } from './levelStoreOptions';
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
  SummaryPatch,
  WorkspaceId,
} from './types';

export { SCHEMA_VERSION } from './storeMeta';
export type { LevelStoreOptions } from './levelStoreOptions';

/** Records at least this large are deflated in a plain store (see `compressMin`). */
const LARGE_RECORD = 64 * 1024;

/** The CheckpointStore on any abstract-level database (classic-level on disk, memory-level in tests). */
export class LevelCheckpointStore implements CheckpointStore {
  private readonly ctx: StoreContext;
  private readonly blobs: BlobStore;
  private readonly reader: JournalReader;
  private readonly retention: Retention;
  private readonly snapshotEvery: number;
  private readonly digests: DigestLog;
  /** Made on first use: ulid looks for its random source then (Web Crypto, loaded on demand), which a store that only reads and commits never needs. */
  private idFactory: (() => string) | undefined;
  /** Index rows of sessions this process has touched; the store is single-writer (LevelDB's lock). */
  private readonly heads = new Map<SessionId, SessionSummary>();
  private readonly locks = new SessionLocks();
  private wsId: WorkspaceId | undefined;

  /** Use `create`, which also checks the schema and the workspace id. */
  constructor(options: LevelStoreOptions) {
    const codecOptions = { compressMin: options.compressMin ?? (options.encryptionKey ? 2048 : LARGE_RECORD), ...(options.encryptionKey ? { key: options.encryptionKey } : {}) };
    this.ctx = new StoreContext({
      db: options.db,
      codec: new RecordCodec(codecOptions),
      readOnly: options.readOnly ?? false,
      syncWrites: options.syncWrites ?? true,
      now: options.now ?? Date.now,
      ...(options.log ? { log: options.log } : {}),
    });
    this.snapshotEvery = Math.max(1, options.snapshotEvery ?? 64);
    this.digests = new DigestLog(this.ctx, options.digest === false ? undefined : (options.digest ?? TOUCH_DIGEST));
    this.blobs = new BlobStore(this.ctx);
    this.reader = new JournalReader(this.ctx, (id) => this.requireSession(id));
    this.retention = new Retention(this.ctx, this.blobs, (id) => {
      this.heads.delete(id);
      this.digests.forget(id);
    });
  }

  /** Opens the store on an already opened database: checks the schema and the workspace id. */
  static async create<T extends LevelCheckpointStore>(
    this: new (o: LevelStoreOptions) => T,
    options: LevelStoreOptions,
  ): Promise<T> {
    const store = new this(options);
    await store.init();
    return store;
  }

  protected async init(): Promise<void> {
    this.wsId = await readOrInitMeta(this.ctx, () => this.newId() as WorkspaceId);
  }

  get workspaceId(): WorkspaceId {
    return this.wsId as WorkspaceId;
  }

  get readOnly(): boolean {
    return this.ctx.readOnly;
  }

  async createSession(input: NewSession): Promise<SessionSummary> {
    this.ctx.assertWritable();
    const id = input.id ?? (this.newId() as SessionId);
    if (!isValidSessionId(id)) throw new StoreError('INVALID_ARGUMENT', `invalid session id: ${JSON.stringify(id)}`);
    if (typeof input.title !== 'string') throw new StoreError('INVALID_ARGUMENT', 'a session needs a title');
    if (input.createdAt !== undefined && !(Number.isFinite(input.createdAt) && input.createdAt >= 0)) throw new StoreError('INVALID_ARGUMENT', `invalid creation time: ${input.createdAt}`);
    return this.exclusive(id, async () => {
      if (await this.getSession(id)) throw new StoreError('INVALID_ARGUMENT', `session ${id} already exists`);
      // A deletion of this id a crash cut short: its records go first, or they would be the new session's.
      await this.retention.finish(id);
      const now = this.ctx.now();
      const summary: SessionSummary = {
        id,
        title: input.title,
        status: input.status ?? 'running',
        createdAt: input.createdAt ?? now,
        updatedAt: now,
        stepCount: 0,
        headSeq: 0,
        snapshotSeq: 0,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
        costUsd: 0,
        pendingApproval: null,
        pinned: input.pinned ?? false,
        parent: input.parent ?? null,
        sizeBytes: 0,
      };
      await this.writeSummary(summary, undefined, []);
      return summary;
    });
  }

  async commit(step: StepCommit): Promise<CommitResult> {
    this.ctx.assertWritable();
    return this.exclusive(step.sessionId, async () => {
      const prev = await this.requireSession(step.sessionId);
      if (prev.headSeq !== step.expectedHeadSeq) {
        throw new StoreError(
          'HEAD_MISMATCH',
          `session ${step.sessionId} is at seq ${prev.headSeq}, the commit expected ${step.expectedHeadSeq}`,
        );
      }
      const sid = step.sessionId;
      const now = this.ctx.now();
      const ops: BatchOp[] = [];
      let bytes = 0;
      const put = (key: string, value: Uint8Array) => {
        ops.push({ type: 'put', key, value });
        bytes += key.length + value.length;
      };
      const journal = stepRecords(this.ctx, step, prev.headSeq, now, put);
      const seq = prev.headSeq + journal.length;
      const digested = await this.digests.stage(prev, journal, ops);
      const staged = await this.blobs.stage(sid, step.blobs ?? [], ops);
      // Settled whatever happens: until then a deletion freeing these blobs keeps them (see BlobStore.release).
      try {
        bytes += staged.bytes;
        let snapshotSeq = prev.snapshotSeq;
        const due = seq - prev.snapshotSeq >= this.snapshotEvery || step.forceSnapshot === true;
        if (step.snapshot && due && seq > prev.snapshotSeq) {
          put(keys.snapshot(sid, seq), this.ctx.encodeJson({ seq, state: step.snapshot() }));
          snapshotSeq = seq;
          await this.dropOldSnapshots(sid, prev.snapshotSeq, ops);
        }
        const summary: SessionSummary = {
          ...prev,
          ...pickPatch(step.summary),
          updatedAt: Math.max(now, prev.updatedAt),
          headSeq: seq,
          snapshotSeq,
        };
        if (digested) summary.digests = digested.coverage;
        if (journal.length) summary.lastStep = (journal[journal.length - 1] as JournalEvent).step;
        summary.sizeBytes = prev.sizeBytes + bytes + (digested?.bytes ?? 0);
        await this.writeSummary(summary, prev, ops, step.deferSync === true);
        staged.commit();
        digested?.done();
        return { headSeq: seq, blobHashes: staged.hashes, snapshotWritten: snapshotSeq !== prev.snapshotSeq, bytesWritten: bytes, summary };
      } finally {
        staged.settle();
      }
    });
  }

  /**
   * Deletes, in the batch that writes a new snapshot, every snapshot older than the previous one:
   * the new one and the one before it remain (loadSession falls back to the older when the newer
   * is damaged), so the store no longer grows with the square of the session length.
   */
  private async dropOldSnapshots(sid: SessionId, previousSeq: number, ops: BatchOp[]): Promise<void> {
    if (previousSeq <= 0) return;
    for await (const [k] of this.ctx.range(keys.snapshotPrefix(sid), keys.snapshot(sid, previousSeq), { values: false })) {
      ops.push({ type: 'del', key: k });
    }
  }

  async updateSession(id: SessionId, patch: SummaryPatch | undefined, options: { keepUpdatedAt?: boolean } = {}): Promise<SessionSummary> {
    this.ctx.assertWritable();
    return this.exclusive(id, async () => {
      const prev = await this.requireSession(id);
      // Housekeeping the user did not do (a clean-up after a crash) leaves the session where it is in the list.
      const summary = { ...prev, ...pickPatch(patch), updatedAt: options.keepUpdatedAt ? prev.updatedAt : Math.max(this.ctx.now(), prev.updatedAt) };
      await this.writeSummary(summary, prev, []);
      return summary;
    });
  }

  /**
   * Adds the index row and its by-update key to `ops`, writes the batch, then updates the cache.
   * The by-update key carries a copy of the row, so that listing is one range scan.
   */
  private async writeSummary(summary: SessionSummary, prev: SessionSummary | undefined, ops: BatchOp[], deferSync = false): Promise<void> {
    if (prev && prev.updatedAt !== summary.updatedAt) ops.push({ type: 'del', key: keys.updated(prev.updatedAt, prev.id) });
    const row = this.ctx.encodeJson(summary);
    ops.push({ type: 'put', key: keys.updated(summary.updatedAt, summary.id), value: row });
    ops.push({ type: 'put', key: keys.session(summary.id), value: row });
    await this.ctx.write(ops, `saving session ${summary.id}`, deferSync);
    this.heads.set(summary.id, summary);
  }

  /**
   * A context on the named sublevel of this store's database, for a module that keeps its own
   * records beside the sessions (long-term memory). Same codec (encryption at rest covers it), same
   * fsync policy and read-only state. Its keys carry the prefix `!name!`, which sorts before every
   * table of the store, so no range the store reads ever sees them. Valid until the store closes.
   */
  openSpace(name: string): StoreContext {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw new StoreError('INVALID_ARGUMENT', `invalid space name: ${JSON.stringify(name)}`);
    const db = this.ctx.db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Db;
    return new StoreContext({ db, codec: this.ctx.codec, readOnly: this.ctx.readOnly, syncWrites: this.ctx.syncWrites, now: this.ctx.now });
  }

  async getSession(id: SessionId): Promise<SessionSummary | undefined> {
    const cached = this.heads.get(id);
    if (cached) return cached;
    if (!isValidSessionId(id)) return undefined;
    const { value, notice } = await this.ctx.readJson<SessionSummary>(keys.session(id), 'reading a session');
    const found = notice ? await this.reader.recoverSummary(id) : value;
    if (found && !this.ctx.readOnly) this.heads.set(id, found);
    return found;
  }

  private async requireSession(id: SessionId): Promise<SessionSummary> {
    const s = await this.getSession(id);
    if (!s) throw new StoreError('SESSION_NOT_FOUND', `no session ${id}`);
    return s;
  }

  listSessions(options?: ListSessionsOptions): Promise<SessionPage> {
    return this.reader.listSessions(options);
  }

  loadSession<S = unknown>(id: SessionId): Promise<SessionLoad<S>> {
    return this.reader.loadSession<S>(id);
  }

  readEvents(id: SessionId, range?: EventRange): AsyncIterable<JournalEvent> {
    return this.reader.readEvents(id, range);
  }

  async readDigests(id: SessionId, version: string): Promise<JournalEvent[] | undefined> {
    return this.digests.read(await this.requireSession(id), version);
  }

  getEffect(id: SessionId, step: number, actionId: string): Promise<EffectRecord | undefined> {
    return this.reader.getEffect(id, step, actionId);
  }

  listEffects(id: SessionId, step?: number): Promise<EffectRecord[]> {
    return this.reader.listEffects(id, step);
  }

  async putBlobs(owner: SessionId, inputs: BlobInput[]): Promise<BlobHash[]> {
    this.ctx.assertWritable();
    await this.requireSession(owner);
    const ops: BatchOp[] = [];
    const staged = await this.blobs.stage(owner, inputs, ops);
    try {
      await this.ctx.write(ops, 'storing blobs');
    } finally {
      staged.settle();
    }
    staged.commit();
    return staged.hashes;
  }

  getBlob(hash: BlobHash): Promise<Uint8Array> {
    this.ctx.assertOpen();
    return this.blobs.get(hash);
  }

  async getBlobs(hashes: readonly BlobHash[]): Promise<Uint8Array[]> {
    this.ctx.assertOpen();
    return this.blobs.getMany(hashes);
  }

  findBlobs(hashes: readonly BlobHash[]): Promise<(Uint8Array | undefined)[]> {
    return this.blobs.find(hashes);
  }

  hasBlob(hash: BlobHash): Promise<boolean> {
    this.ctx.assertOpen();
    return this.blobs.has(hash);
  }

  planRetention(policy: RetentionPolicy, now?: number, keep?: ReadonlySet<SessionId>): Promise<RetentionCandidate[]> {
    return this.retention.plan(policy, now ?? this.ctx.now(), keep);
  }

  async deleteSession(id: SessionId, reason: string, options: { onlyIfIdleSince?: number } = {}): Promise<DeletionRecord> {
    this.ctx.assertWritable();
    return this.exclusive(id, async () => {
      const s = await this.requireSession(id);
      const since = options.onlyIfIdleSince;
      if (since !== undefined && (s.updatedAt !== since || !retainable(s))) {
        throw new StoreError('HEAD_MISMATCH', `session ${id} changed since it was chosen for deletion: it is kept`);
      }
      return this.retention.deleteSession(s, reason);
    });
  }

  async vacuum(): Promise<number> {
    this.ctx.assertWritable();
    let finished = 0;
    for (const id of await this.retention.unpurgedSessions()) finished += await this.exclusive(id, () => this.retention.finish(id));
    return finished;
  }

  listDeletions(): Promise<DeletionRecord[]> {
    return this.retention.listDeletions();
  }

  listQuarantine(): Promise<QuarantineNotice[]> {
    return this.reader.listQuarantine();
  }

  onQuarantine(listener: (notice: QuarantineNotice) => void): () => void {
    return this.ctx.onQuarantine(listener);
  }

  prepareCommit(): void {
    if (!this.ctx.readOnly) this.ctx.prepareCommit();
  }

  async close(): Promise<void> {
    if (this.ctx.db.status === 'closed') return;
    await Promise.allSettled([this.locks.idle(), this.ctx.settled()]);
    // A compaction that gives a deleted session's space back finishes before the database closes.
    await this.ctx.compacted();
    const atRest = this.ctx.readOnly ? undefined : this.listAtRest;
    const rows = atRest ? await this.rowsAtClose() : undefined;
    this.ctx.markClosed();
    const flushed = await this.ctx.flushMemtable();
    const token = atRest?.before();
    await this.ctx.db.close().finally(() => this.ctx.closeLog(flushed));
    // Only rows nothing can still lose: an unflushed memtable's log may not be synced.
    atRest?.after(token, flushed ? rows : undefined);
  }

  /**
   * Set by a store on disk (see listSnapshot.ts): `before` runs while the database is still open
   * and held, `after` once it has closed, with every index row (newest update first) when the close
   * can vouch for them. Neither may throw.
   */
  protected listAtRest: { before(): string | undefined; after(token: string | undefined, rows: SessionSummary[] | undefined): void } | undefined;

  /** Every index row, or undefined when anything wrote while they were read (the rows might miss it). */
  private async rowsAtClose(): Promise<SessionSummary[] | undefined> {
    const mark = this.ctx.writeMark;
    if (mark === undefined) return undefined;
    const rows = await allSessions((o) => this.reader.listSessions(o), 10_000).catch(() => undefined);
    return rows && this.ctx.writeMark === mark && this.locks.busy === 0 ? rows : undefined;
  }

  private newId(): string {
    this.idFactory ??= monotonicFactory();
    return this.idFactory();
  }

  private exclusive<T>(id: SessionId, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(id, fn);
  }
}
