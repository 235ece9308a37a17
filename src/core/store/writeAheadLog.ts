import { close, closeSync, fdatasync, fdatasyncSync, fsync, fsyncSync, ftruncateSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors';
import type { BatchOp } from './storeContext';
import { HEAD, MAGIC, decodeSegment, encodeRecord } from './walRecords';

export { decodeSegment, encodeRecord } from './walRecords';

/**
 * The store's own write-ahead log: every batch of a writable store on disk is appended here first
 * (one `write`, and one `fdatasync` for a synced batch, both on this thread), then handed to LevelDB
 * without an fsync. A synced commit costs an append and an fdatasync, not a trip through LevelDB's
 * thread pool with its own fsync, and a deferred one only the append.
 *
 * What makes it safe: LevelDB only ever receives a batch once the log holds it on disk (a deferred
 * batch waits for the next fdatasync: a synced batch's, a read's, or the idle one). So after any crash, or a power loss, the log's records in
 * order are a superset of whatever LevelDB kept, and replaying all of them, in order, over what
 * LevelDB kept gives exactly the state after the last record: each key ends with the value of the
 * last record that wrote it, and keys no record wrote are as they were when the log began. The log
 * begins at a point where LevelDB had everything on disk (its memtable written out to a synced
 * table), and its older segments are removed only at such a point.
 *
 * Files: `SAVEPOINT-WAL-<n>` (n ascending), which LevelDB does not take for its own. Each starts with
 * MAGIC; each record is [length u32][crc32 u32][payload], the payload [count u32] then per operation
 * [type u8 (1 put, 2 del)][key length u32][key][value length u32][value] (a put's value only).
 */
export const LOG_PREFIX = 'SAVEPOINT-WAL-';

/** A segment grows to this size, then a new one starts and the old goes once LevelDB has it in a table. */
export const SEGMENT_BYTES = 8 * 1024 * 1024;

/**
 * The file is extended with zeros this far ahead of the appends. An append into bytes the file
 * already has changes no metadata, so its fdatasync writes the record and nothing else; one that
 * grows the file commits the file system's journal too, which also writes out every other file's
 * pending data (ext4's ordered mode): in W1, 0.45 ms instead of 0.25.
 */
const ROOM = 1024 * 1024;
/**
 * The first room is this small, and each next one as large as the segment so far (up to ROOM): the
 * zeros are written out by the next fdatasync, so a process that commits once (a rewind, the CLI)
 * writes 64 KB of them, not a megabyte.
 */
const FIRST_ROOM = 64 * 1024;
const ZEROS = Buffer.alloc(64 * 1024);

export interface LogContents {
  /** Every whole record of every segment, oldest first: what the store replays at open. */
  batches: BatchOp[][];
  /** The segments found, oldest first. */
  segments: number[];
  /** Set when a segment is damaged (see `readLog`); `batches` is then empty. */
  damage?: string;
  /** Set when a segment starts with a later version of the magic (a newer Savepoint wrote it); `batches` is then empty. */
  newer?: string;
}

const segmentName = (n: number) => `${LOG_PREFIX}${String(n).padStart(6, '0')}`;
const segmentNumber = (name: string): number | undefined => {
  const m = /^SAVEPOINT-WAL-(\d{6,})$/.exec(name);
  return m ? Number(m[1]) : undefined;
};


/**
 * Reads every segment in `dir`, oldest first. A torn last record of the newest segment (a crash
 * while appending: never reported written) ends it quietly, and with `trimTornTail` is cut off the
 * file, so that a segment cut short can only mean damage once a newer one follows it. A damaged
 * record, or a segment cut short before a newer one (each is synced and closed before the next
 * begins), is `damage`: nothing is returned to replay, since what LevelDB holds may be later than
 * the damage, and applying only what precedes it would not give any state the store ever had.
 */
export function readLog(dir: string, o: { trimTornTail?: boolean } = {}): LogContents {
  const segments = listSegments(dir);
  const batches: BatchOp[][] = [];
  for (const [i, n] of segments.entries()) {
    const file = join(dir, segmentName(n));
    const read = decodeSegment(readFileSync(file));
    if (read.end === 'newer') return { batches: [], segments, newer: segmentName(n) };
    const newest = i === segments.length - 1;
    if (read.end === 'damaged' || (read.end === 'torn' && !newest)) {
      return { batches: [], segments, damage: `${segmentName(n)}: ${read.end === 'damaged' ? 'a record fails its checksum' : 'cut short before a newer segment'} at byte ${read.clean}` };
    }
    batches.push(...read.batches);
    if (read.end === 'torn' && o.trimTornTail) trimTo(file, read.clean);
  }
  return { batches, segments };
}

const listSegments = (dir: string): number[] =>
  readdirSync(dir)
    .map(segmentNumber)
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);

function trimTo(file: string, size: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, size);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Renames every segment aside (`.damaged-<time>`), never deleting one: after a repair, the store opens with what LevelDB kept. */
export function setLogAside(dir: string, now: () => number = Date.now): string[] {
  const at = now();
  return listSegments(dir).map((n) => {
    const aside = `${segmentName(n)}.damaged-${at}`;
    renameSync(join(dir, segmentName(n)), join(dir, aside));
    return aside;
  });
}

/** Appends records to the newest segment; see the module comment. Not for concurrent processes (LevelDB's lock keeps one writer). */
export class WriteAheadLog {
  private fd: number | undefined;
  private segment: number;
  /** Segments older than the current one, kept until LevelDB has their records in a table. */
  private older: number[];
  private bytes = 0;
  /** Whether the current segment's name is on disk (see `flush`). */
  private named = true;
  /** The file's length: zeros from `bytes` on. */
  private room = 0;
  private appended = 0;
  private synced = 0;
  private unsynced = 0;
  private broken: Error | undefined;

  /** `segments`: those found at open (see `readLog`); they stay until `dropOlder` or `removeAll`. */
  constructor(
    private readonly dir: string,
    segments: number[],
  ) {
    this.older = [...segments];
    this.segment = (segments.at(-1) ?? 0) + 1;
  }

  /** Bytes appended and not yet on disk. */
  get unsyncedBytes(): number {
    return this.unsynced;
  }

  /** Whether the current segment has grown past SEGMENT_BYTES (see `rotate`). */
  get full(): boolean {
    return this.bytes >= SEGMENT_BYTES;
  }

  /** Appends one batch; with `sync`, it is on disk when this returns. Returns the record's number. Throws when the file cannot be written (nothing of the record stays). */
  append(ops: readonly BatchOp[], sync: boolean): number {
    if (this.broken) throw this.broken;
    const record = encodeRecord(ops);
    const fd = this.fd ?? this.create();
    const before = this.bytes;
    try {
      this.makeRoom(fd, before + record.length);
      for (let at = 0; at < record.length; ) at += writeSync(fd, record, at, record.length - at, before + at);
      // A record whose sync failed is taken back too: reported failed, it must not come back at the next open.
      if (sync) this.flush(fd);
    } catch (e) {
      this.undo(fd, before);
      throw e;
    }
    this.bytes += record.length;
    const n = ++this.appended;
    if (sync) {
      this.synced = n;
      this.unsynced = 0;
    } else this.unsynced += record.length;
    return n;
  }

  /** The number of the last record known to be on disk. */
  get syncedThrough(): number {
    return this.synced;
  }

  /** Puts every record appended so far on disk (one fdatasync, on this thread). */
  sync(): void {
    if (this.synced === this.appended) return;
    if (this.fd !== undefined) this.flush(this.fd);
    this.synced = this.appended;
    this.unsynced = 0;
  }

  /** Starts a new segment (the current one synced and closed); returns the number of the last record in older segments. */
  rotate(): number {
    if (this.fd !== undefined) {
      this.flush(this.fd);
      try {
        closeSync(this.fd);
      } catch {
        // Synced: the file has every record, whatever close says.
      }
      this.fd = undefined;
      this.synced = this.appended;
      this.unsynced = 0;
      this.older.push(this.segment);
      this.segment++;
      this.bytes = 0;
      this.room = 0;
    }
    return this.appended;
  }

  /**
   * Removes the segments older than the current one (up to `upTo`), oldest first: LevelDB has
   * their records in a synced table. One that cannot be removed stays, with every later one, for a
   * later try: what remains is always a run of segments up to the newest, which replays safely
   * (a lone older segment replayed over newer state would put old values back).
   */
  dropOlder(upTo = Number.POSITIVE_INFINITY): void {
    for (const n of this.older.filter((s) => s <= upTo).sort((a, b) => a - b)) {
      try {
        unlinkSync(join(this.dir, segmentName(n)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return;
      }
      this.older = this.older.filter((s) => s !== n);
    }
  }

  /** Closes the log; with `remove`, every segment goes (the database has every record in a table). */
  close(remove: boolean): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Nothing left to lose: every record was on disk or is about to be removed.
      }
      this.fd = undefined;
    }
    if (!remove) return;
    this.older.push(this.segment);
    this.dropOlder();
  }

  /** The segments not yet removed, oldest first (see `dropOlder`). */
  get leftOver(): number[] {
    return [...this.older].sort((a, b) => a - b);
  }

  /** The newest segment's number (the one being appended to). */
  get current(): number {
    return this.segment;
  }

  /**
   * Makes the segment the next append goes to now, with its first room, and puts the file and its
   * name on disk in the thread pool while the caller reads: the first synced append then writes
   * into bytes the disk has already, with one fdatasync and no folder sync (what a process that
   * commits once, a rewind from the CLI, waits for). Until that is done, an append syncs what it
   * needs itself. Nothing is reported: what fails here fails again at the first append, which says so.
   */
  prepare(): void {
    if (this.fd !== undefined || this.broken) return;
    const segment = this.segment;
    let own: number;
    try {
      this.makeRoom(this.create(), this.bytes + 1);
      // Its own descriptor (the log's may be closed meanwhile), writable: Windows syncs no other.
      own = openSync(join(this.dir, segmentName(segment)), 'r+');
    } catch {
      return;
    }
    fdatasync(own, (e) => {
      close(own, () => undefined);
      if (!e) syncDirInPool(this.dir, () => void (this.segment === segment && (this.named = true)));
    });
  }

  private create(): number {
    const fd = openSync(join(this.dir, segmentName(this.segment)), 'wx');
    try {
      writeSync(fd, MAGIC, 0, MAGIC.length, 0);
    } catch (e) {
      closeSync(fd);
      unlinkSync(join(this.dir, segmentName(this.segment)));
      throw e;
    }
    this.fd = fd;
    this.named = false;
    this.bytes = HEAD;
    this.room = HEAD;
    return fd;
  }

  /**
   * fdatasync, and the first time for a new segment an fsync of the folder too, so that its name
   * survives a power loss: one sync of the new file's contents and size covers the magic, the room
   * and the record, where a sync at creation would cost one more.
   */
  private flush(fd: number): void {
    try {
      fdatasyncSync(fd);
    } catch (e) {
      // After a failed fdatasync the kernel may have dropped earlier pages too: nothing more goes in until the store opens again.
      // IO, not the errno's code: an ENOSPC here is not 'nothing written, retry once there is space'.
      this.broken ??= new StoreError('IO', `the store's log could not be synced (${(e as Error).message}); open the store again`, { cause: e });
      throw this.broken;
    }
    if (this.named) return;
    syncDir(this.dir);
    this.named = true;
  }

  /** Extends the file with zeros past `end` when `end` is beyond it (see ROOM). */
  private makeRoom(fd: number, end: number): void {
    if (end <= this.room) return;
    const target = end + Math.min(ROOM, Math.max(FIRST_ROOM, end));
    while (this.room < target) this.room += writeSync(fd, ZEROS, 0, Math.min(ZEROS.length, target - this.room), this.room);
  }

  /** Takes a half-written record back off the file; if that fails too, the log takes no more records. */
  private undo(fd: number, size: number): void {
    try {
      ftruncateSync(fd, size);
      this.room = size;
    } catch (e) {
      this.broken = new Error(`the store's log could not be written, nor a half-written record taken back: ${(e as Error).message}`);
    }
  }
}

/** `syncDir` in the thread pool; `done` only once the folder is synced. */
function syncDirInPool(dir: string, done: () => void): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  fsync(fd, (e) => {
    close(fd, () => undefined);
    if (!e) done();
  });
}

/** Makes a new file's name durable (its directory entry). Some file systems refuse an fsync of a folder: the name then is as durable as they make it. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
