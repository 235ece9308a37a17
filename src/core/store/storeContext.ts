import type { AbstractLevel } from 'abstract-level';
import { type RecordCodec, jsonBytes, parseJson } from './codec';
import { StoreError, fromLevelError } from './errors';
import { END, keys, sessionOfKey } from './keys';
import type { QuarantineNotice } from './types';
import { LoggedWrites, MAX_DEFERRED_BYTES, opsBytes, syncOption } from './loggedWrites';
import type { WriteAheadLog } from './writeAheadLog';
import { Compactions, type KeyRange, canCompact } from './compactions';

export { MAX_DEFERRED_BYTES };

/** The database as the store uses it: utf8 keys, raw byte values (framed by RecordCodec). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = AbstractLevel<any, string, Uint8Array>;

/** Sorts before every key of the store (all start with a table letter): see `flushMemtable`. */
const FLUSH_KEY = '\x00';

/**
 * LevelDB's memtable to a synced table: a compaction of a range that sorts before every key, so no
 * table is rewritten. Throws what LevelDB throws.
 */
export function flushToTables(db: Db): Promise<void> {
  return (db as Db & { compactRange(start: string, end: string): Promise<void> }).compactRange(FLUSH_KEY, FLUSH_KEY);
}

export interface RangeOptions {
  reverse?: boolean;
  limit?: number;
  values?: boolean;
}

export type BatchOp =
  | { type: 'put'; key: string; value: Uint8Array }
  | { type: 'del'; key: string };

export interface ContextOptions {
  db: Db;
  codec: RecordCodec;
  readOnly: boolean;
  syncWrites: boolean;
  now: () => number;
  /** The store's write-ahead log (a writable store on disk that syncs): see `write`. */
  log?: WriteAheadLog;
}

/** How many bytes of entries a range batch may gather before it is handed over (see `rangeBatches`). */
const RANGE_BATCH_BYTES = 1024 * 1024;

/** Up to this many keys are read with `getSync`, one after another, rather than sent to the thread pool. */
const SYNC_GET_MANY = 32;

interface Deferred {
  ops: BatchOp[];
  bytes: number;
}

/** What every part of the store shares: the database, the codec, and quarantine reporting. */
export class StoreContext {
  readonly db: Db;
  readonly codec: RecordCodec;
  readonly readOnly: boolean;
  readonly syncWrites: boolean;
  readonly now: () => number;
  private readonly listeners = new Set<(n: QuarantineNotice) => void>();
  private readonly hasGetSync: boolean;
  private closed = false;
  /** Batches written without an fsync since the last synced one (see `write`). */
  private deferred: Deferred[] = [];
  private deferredBytes = 0;
  /** Writes begun, and writes not yet settled: a reader can tell whether anything wrote while it read. */
  private writesBegun = 0;
  private writesInFlight = 0;
  /** With a write-ahead log: the batches it holds on their way to LevelDB. */
  private readonly logged: LoggedWrites | undefined;
  private readonly compactions: Compactions;

  constructor(o: ContextOptions) {
    this.db = o.db;
    this.codec = o.codec;
    this.readOnly = o.readOnly;
    this.syncWrites = o.syncWrites;
    this.now = o.now;
    this.logged = o.log ? new LoggedWrites(o.db, o.log, () => this.flushTables()) : undefined;
    this.compactions = new Compactions(o.db, () => this.settled());
    this.hasGetSync = (o.db.supports as { getSync?: boolean }).getSync === true && typeof o.db.getSync === 'function';
  }

  markClosed(): void {
    this.closed = true;
  }

  assertOpen(): void {
    if (this.closed) throw new StoreError('CLOSED', 'the store is closed');
  }

  assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) {
      throw new StoreError('READ_ONLY', 'the store is open read-only because another window is using it');
    }
  }

  encodeJson(value: unknown): Uint8Array {
    return this.codec.encode(jsonBytes(value));
  }

  decodeJson<T>(raw: Uint8Array): T {
    return parseJson<T>(this.codec.decode(raw));
  }

  /**
   * One atomic batch. Built as a chained batch: abstract-level's array form copies and re-validates
   * every operation, which cost twice as much per commit.
   *
   * A store with a write-ahead log hands the batch to LoggedWrites. Without one (a read-only copy
   * never writes; a store that does not sync; a space of the store), the rest of this applies.
   *
   * `deferSync`: no fsync for this one; the next synced batch makes it durable too. Not by sharing
   * the log alone: when LevelDB's memtable fills, it starts a new log and closes the old one
   * without an fsync, so a power loss before that memtable reaches a table could lose a deferred
   * batch while keeping a later synced one (a gap in a journal). The next synced batch therefore
   * repeats every deferred batch since the last synced one, in order, before its own operations:
   * the same puts and deletes again, so the outcome is unchanged and whatever survives is a prefix.
   * Deferred batches are tracked from their start, so that a synced one written meanwhile by
   * another session carries them too. Beyond `MAX_DEFERRED_BYTES` waiting, a batch is synced.
   */
  async write(ops: BatchOp[], what: string, deferSync = false): Promise<void> {
    this.assertWritable();
    if (this.logged) {
      this.writesBegun++;
      return this.logged.write(ops, what, deferSync || !this.syncWrites);
    }
    const bytes = opsBytes(ops);
    const defer = this.syncWrites && deferSync && this.deferredBytes + bytes <= MAX_DEFERRED_BYTES;
    const sync = this.syncWrites && !defer;
    const own: Deferred = { ops, bytes };
    let repeated: Deferred[] = [];
    if (defer) this.setDeferred([...this.deferred, own]);
    else if (sync) {
      repeated = this.deferred;
      this.setDeferred([]);
    }
    const batch = this.db.batch();
    this.writesBegun++;
    this.writesInFlight++;
    try {
      for (const part of [...repeated.map((r) => r.ops), ops]) {
        for (const op of part) {
          if (op.type === 'put') batch.put(op.key, op.value);
          else batch.del(op.key);
        }
      }
      await batch.write(syncOption(sync));
    } catch (e) {
      // Not written: a deferred batch is no longer waiting; the ones a synced batch repeated still are.
      if (defer) this.setDeferred(this.deferred.filter((d) => d !== own));
      else if (repeated.length) this.setDeferred([...repeated, ...this.deferred]);
      await batch.close().catch(() => undefined);
      throw fromLevelError(e, what);
    } finally {
      this.writesInFlight--;
    }
  }

  /** A synced commit comes soon (a rewind's record): the log gets ready for it in the background (`WriteAheadLog.prepare`). */
  prepareCommit(): void {
    if (this.syncWrites) this.logged?.prepare();
  }

  /** Waits for the batches of the log handed to LevelDB so far (see LoggedWrites.settled). */
  async settled(): Promise<void> {
    await this.logged?.settled();
  }

  /**
   * After the database closed: the log goes when `flushed` (the memtable reached a synced table with
   * every batch), else it stays for the next open to replay. Never throws.
   */
  closeLog(flushed: boolean): void {
    this.logged?.close(flushed);
  }

  /**
   * A mark that changes with every write begun, or undefined while one is under way: equal marks
   * before and after a read mean nothing was written meanwhile (see `LevelCheckpointStore.close`).
   */
  get writeMark(): number | undefined {
    return this.writesInFlight > 0 || (this.logged?.pending ?? 0) > 0 ? undefined : this.writesBegun;
  }

  /** Deferred batches not yet repeated in a synced one (see `write`). */
  get deferredCount(): number {
    return this.deferred.length;
  }

  private setDeferred(list: Deferred[]): void {
    this.deferred = list;
    this.deferredBytes = list.reduce((n, d) => n + d.bytes, 0);
  }

  /**
   * One value. classic-level and memory-level read synchronously (`getSync`): a point read from the
   * memtable or the block cache costs microseconds, far less than a trip through the thread pool.
   */
  async getRaw(key: string, what: string): Promise<Uint8Array | undefined> {
    this.assertOpen();
    const queued = this.logged?.valueOf(key);
    if (queued) return queued.value;
    try {
      return this.hasGetSync ? this.db.getSync(key) : await this.db.get(key);
    } catch (e) {
      throw fromLevelError(e, what);
    }
  }

  /**
   * Many values in the order of `keys`: a few are read synchronously as `getRaw` does (a commit
   * checking its blobs, a level of delta chains), more in one thread-pool trip.
   */
  async getManyRaw(keyList: readonly string[], what: string): Promise<(Uint8Array | undefined)[]> {
    this.assertOpen();
    if (keyList.length === 0) return [];
    try {
      // Keys a queued batch of the log wrote come from the queue (LevelDB may not have them yet), the others from LevelDB.
      const logged = this.logged;
      const queued = logged && logged.pending > 0 ? keyList.map((k) => logged.valueOf(k)) : undefined;
      const rest = queued ? keyList.filter((_, i) => !queued[i]) : keyList;
      const got = rest.length === 0 ? [] : this.hasGetSync && rest.length <= SYNC_GET_MANY ? rest.map((k) => this.db.getSync(k)) : await this.db.getMany(rest as string[]);
      if (!queued) return got;
      let next = 0;
      return queued.map((q) => (q ? q.value : got[next++]));
    } catch (e) {
      throw fromLevelError(e, what);
    }
  }

  /**
   * Writes the memtable out to a table file, so that the next open has no log to replay (LevelDB
   * converts a non-empty log into a table, with several fsyncs, on open). `compactRange` flushes the
   * memtable whatever the range; the range below sorts before every key, so no table is rewritten.
   * Best effort: a failure leaves the log, which the next open replays as before. True when the
   * memtable reached a table (synced), so nothing written is only in an unsynced log.
   */
  async flushMemtable(): Promise<boolean> {
    if (this.readOnly) return false;
    const applied = await this.settled().then(
      () => true,
      () => false,
    );
    return applied && (await this.flushTables());
  }

  /** See Compactions.soon: the space of deleted records goes back to the disk. */
  compactSoon(ranges: readonly KeyRange[]): void {
    if (!this.readOnly) this.compactions.soon(ranges);
  }

  /** Settles once the compactions asked for so far have run. */
  compacted(): Promise<void> {
    return this.compactions.done();
  }

  private async flushTables(): Promise<boolean> {
    if (!canCompact(this.db)) return false;
    try {
      await flushToTables(this.db);
      return true;
    } catch {
      // The log is still there and is as durable as the table would have been.
      return false;
    }
  }

  /**
   * Reads and decodes a JSON record. A record that fails its checksum or does not decode is
   * quarantined and reported, and `undefined` is returned with the notice, so callers can fall back.
   * Unsupported schema and missing keys are not corruption and are rethrown as they are.
   */
  async readJson<T>(key: string, what: string): Promise<{ value?: T; notice?: QuarantineNotice }> {
    const raw = await this.getRaw(key, what);
    if (raw === undefined) return {};
    return this.decodeOrQuarantine<T>(key, raw);
  }

  async decodeOrQuarantine<T>(key: string, raw: Uint8Array): Promise<{ value?: T; notice?: QuarantineNotice }> {
    const r = this.tryDecodeJson<T>(raw);
    return 'damage' in r ? { notice: await this.quarantine(key, raw, r.damage) } : r;
  }

  /** Decodes without a trip through the event loop; a CORRUPT record gives the reason instead (the caller quarantines it). */
  tryDecodeJson<T>(raw: Uint8Array): { value: T } | { damage: string } {
    try {
      return { value: this.decodeJson<T>(raw) };
    } catch (e) {
      if (!StoreError.is(e, 'CORRUPT')) throw e;
      return { damage: e.message };
    }
  }

  /**
   * Moves a damaged record aside (its raw bytes kept under q!) in one batch, and tells listeners.
   * In read-only mode the record stays where it is and is only reported.
   */
  async quarantine(key: string, raw: Uint8Array | undefined, reason: string): Promise<QuarantineNotice> {
    const notice: QuarantineNotice = { key, reason, at: this.now() };
    const sid = sessionOfKey(key);
    if (sid) notice.sessionId = sid;
    if (!this.readOnly && !this.closed) {
      this.writesBegun++;
      const record = this.codec.encode(
        jsonBytes({ ...notice, raw: raw ? Buffer.from(raw).toString('base64') : null }),
      );
      this.writesInFlight++;
      try {
        await this.db.batch(
          [
            { type: 'put', key: keys.quarantine(notice.at, key), value: record },
            { type: 'del', key },
          ],
          syncOption(this.syncWrites),
        );
      } catch {
        // Reporting must not fail the read that found the damage; the record simply stays in place.
      } finally {
        this.writesInFlight--;
      }
    }
    for (const l of this.listeners) l(notice);
    return notice;
  }

  onQuarantine(listener: (n: QuarantineNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keys (and values) of one table range, streamed. Iterator errors are mapped to StoreErrors. */
  async *range(gte: string, lt: string, opts: RangeOptions = {}): AsyncGenerator<[string, Uint8Array | undefined]> {
    for await (const entries of this.rangeBatches(gte, lt, opts)) yield* entries;
  }

  /**
   * The same range in the batches LevelDB hands over (up to 256 entries): a reader that walks many
   * small records pays one async step per batch instead of one per record. The next batch is asked
   * for before this one is handed over, so LevelDB reads it in the thread pool while the caller
   * decodes this one (listing 1,000 sessions spends as long decoding as reading).
   */
  async *rangeBatches(gte: string, lt: string, opts: RangeOptions = {}): AsyncGenerator<[string, Uint8Array | undefined][]> {
    this.assertOpen();
    if (this.logged && this.logged.pending > 0) await this.logged.settled();
    const it = this.db.iterator({
      gte,
      lt,
      reverse: opts.reverse ?? false,
      limit: opts.limit ?? -1,
      values: opts.values ?? true,
      // classic-level hands a batch over at 16 KB by default: 37 trips through the thread pool for
      // 1,000 rows of 433 bytes. A batch is still at most 256 entries.
      highWaterMarkBytes: RANGE_BATCH_BYTES,
    } as Parameters<Db['iterator']>[0]);
    const ask = () => {
      const p = it.nextv(256) as Promise<[string, Uint8Array][]>;
      // Awaited below, or in `finally` when the caller stops early: never an unhandled rejection.
      p.catch(() => undefined);
      return p;
    };
    let pending: Promise<[string, Uint8Array][]> | undefined = ask();
    try {
      for (;;) {
        let entries: [string, Uint8Array][];
        try {
          entries = await (pending as Promise<[string, Uint8Array][]>);
        } catch (e) {
          throw fromLevelError(e, `reading ${gte}`);
        } finally {
          pending = undefined;
        }
        if (entries.length === 0) return;
        pending = ask();
        yield entries;
      }
    } finally {
      // The read in flight settles first (close would wait for it anyway); its failure is nobody's now.
      if (pending) await pending.catch(() => undefined);
      await it.close().catch(() => undefined);
    }
  }

  async *prefix(p: string, opts: RangeOptions = {}) {
    yield* this.range(p, p + END, opts);
  }
}

