import { type StoreError, fromLevelError } from './errors';
import type { BatchOp, Db } from './storeContext';
import type { WriteAheadLog } from './writeAheadLog';

/** Deferred (unsynced) batches waiting beyond this many bytes make the next batch a synced one. */
export const MAX_DEFERRED_BYTES = 1024 * 1024;

/** A deferred batch waits this long for a synced one (or a read) before the log is synced for it anyway. */
const IDLE_SYNC_MS = 100;

/** Batches that may wait for LevelDB before a commit waits with them (see `write`). */
const MAX_QUEUED = 64;

/** classic-level's `sync` (fsync the batch); abstract-level's types do not know it. */
export const syncOption = (sync: boolean): Record<string, never> => ({ sync }) as unknown as Record<string, never>;

export const opsBytes = (ops: readonly BatchOp[]): number => ops.reduce((n, op) => n + op.key.length + (op.type === 'put' ? op.value.length : 0), 0);

interface Queued {
  ops: BatchOp[];
  /** The log's record number. */
  n: number;
  what: string;
}

/**
 * The batches of a store with a write-ahead log (see writeAheadLog.ts) on their way to LevelDB.
 * `write` appends the batch to the log, synced there unless deferred, and returns: LevelDB gets it
 * afterwards, unsynced and in order, so a commit does not wait for LevelDB's thread pool. A deferred
 * batch reaches LevelDB only once the log has it on disk, so LevelDB never holds what the log could
 * lose: with the next synced batch, before a range read (which syncs the log first), or after
 * IDLE_SYNC_MS without either. Point reads look here first (`valueOf`). A batch LevelDB refuses (a
 * full disk) stays queued, in the log and here: range reads fail with LevelDB's error until a later
 * try gets it in.
 */
export class LoggedWrites {
  /** Batches in the log not yet in LevelDB, oldest first. */
  private readonly queue: Queued[] = [];
  private pumping: Promise<void> | undefined;
  private idleSync: ReturnType<typeof setTimeout> | undefined;
  private pumpScheduled = false;
  /** LevelDB's error for the queue's first batch, until a later try gets it in. */
  private failure: StoreError | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: WriteAheadLog,
    /** Writes LevelDB's memtable out to a synced table; true when it did. */
    private readonly flushTables: () => Promise<boolean>,
  ) {}

  /** Batches the log has and LevelDB may not. */
  get pending(): number {
    return this.queue.length;
  }

  /** Readies the log for a synced commit soon (`WriteAheadLog.prepare`). */
  prepare(): void {
    this.log.prepare();
  }

  write(ops: BatchOp[], what: string, deferSync: boolean): Promise<void> {
    const log = this.log;
    const sync = !(deferSync && log.unsyncedBytes + opsBytes(ops) <= MAX_DEFERRED_BYTES);
    let n: number;
    try {
      n = log.append(ops, sync);
    } catch (e) {
      return Promise.reject(fromLevelError(e, `${what} (the store's log)`));
    }
    // From here the batch is committed: nothing below may fail the call.
    this.queue.push({ ops, n, what });
    if (log.full) this.rotate();
    if (log.syncedThrough >= n) this.pumpSoon();
    else
      this.idleSync ??= setTimeout(() => {
        this.idleSync = undefined;
        this.syncLog();
        void this.pump();
      }, IDLE_SYNC_MS).unref();
    // A writer that never lets the event loop turn (commits whose awaits all resolve at once) would
    // otherwise queue without end: past MAX_QUEUED, a commit waits for LevelDB to catch up.
    if (this.queue.length > MAX_QUEUED) return this.settled().catch(() => undefined);
    return Promise.resolve();
  }

  /**
   * The value the newest queued batch gave `key` (undefined in `value` for a delete), or undefined
   * when no queued batch wrote it. LevelDB holds the queue's batches up to some point, in order, so
   * this, else LevelDB's value, is the key's value after every batch written.
   */
  valueOf(key: string): { value: Uint8Array | undefined } | undefined {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const ops = (this.queue[i] as Queued).ops;
      for (let j = ops.length - 1; j >= 0; j--) {
        const op = ops[j] as BatchOp;
        if (op.key === key) return { value: op.type === 'put' ? op.value : undefined };
      }
    }
    return undefined;
  }

  /** Waits for the batches queued so far to reach LevelDB (the log synced first), trying again one it refused; throws when it still refuses. */
  async settled(): Promise<void> {
    if (this.queue.length > 0) {
      this.failure = undefined;
      this.syncLog();
      if (!this.failure) {
        // A pump under way may have stopped short of records the sync just covered.
        while (this.pumping) await this.pumping;
        await this.pump();
      }
    }
    if (this.failure) throw this.failure;
  }

  /** After the database closed: the log goes when `flushed` and nothing is left queued, else it stays for the next open. */
  close(flushed: boolean): void {
    if (this.idleSync) clearTimeout(this.idleSync);
    this.idleSync = undefined;
    this.log.close(flushed && this.queue.length === 0);
  }

  /** Starts the pump once the caller's continuation has run: the commit does not wait for LevelDB's batch to be built. */
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      void this.pump();
    });
  }

  /** Puts the log's records on disk so that the queued ones can go to LevelDB; a failure is the queue's. */
  private syncLog(): void {
    try {
      this.log.sync();
    } catch (e) {
      this.failure = fromLevelError(e, "syncing the store's log");
    }
  }

  /** Hands the queued batches the log has on disk to LevelDB, oldest first; stops at one LevelDB refuses. */
  private pump(): Promise<void> {
    if (this.pumping) return this.pumping;
    const run: Promise<void> = this.drain().finally(() => {
      if (this.pumping === run) this.pumping = undefined;
    });
    this.pumping = run;
    return run;
  }

  private async drain(): Promise<void> {
    let head: Queued | undefined;
    try {
      while ((head = this.queue[0]) && head.n <= this.log.syncedThrough) {
        const batch = this.db.batch();
        for (const op of head.ops) {
          if (op.type === 'put') batch.put(op.key, op.value);
          else batch.del(op.key);
        }
        await batch.write(syncOption(false));
        this.queue.shift();
      }
      if (head === undefined) this.failure = undefined;
    } catch (e) {
      this.failure = fromLevelError(e, `${head?.what ?? 'writing'} (committed to the store's log; the database takes it once it can)`);
    }
  }

  /** A new segment; the older ones go once LevelDB has their records in a synced table. */
  private rotate(): void {
    const log = this.log;
    try {
      log.rotate();
    } catch {
      // The segment could not be synced and closed: it stays the current one, and a later commit tries again.
      return;
    }
    const older = log.current - 1;
    void this.settled()
      .then(async () => {
        if (await this.flushTables()) log.dropOlder(older);
      })
      .catch(() => undefined);
  }
}
