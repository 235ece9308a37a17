import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlink, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RecordCodec, jsonBytes, parseJson } from './codec';
import type { SessionSummary } from './types';

/**
 * The session list of a store at rest, for a process that only lists (`savepoint list`): opening
 * LevelDB costs 5-9 ms before the first read (it writes and syncs a new MANIFEST), and reading 1,000
 * index rows through it 10-15 ms more. A store that closes cleanly leaves its rows in one file
 * beside LevelDB's, with what the database was when it closed: the MANIFEST CURRENT named (its
 * name and size) and every table and log file with its size.
 *
 * Every open of the database, by any process or version, writes a new MANIFEST and names it in
 * CURRENT. A store made afresh in the same folder starts with a MANIFEST of the same name, but not
 * with the same MANIFEST, tables and logs to the byte. So while all of that is as recorded, nothing
 * has opened the store since and the rows are exactly what it holds (a copy of the folder is the
 * same store); a missing or truncated table shows too. Otherwise (a crash, a writer with the store
 * open, a damaged file) the caller reads the store itself. Savepoint also removes the file when it
 * opens the store for writing, and when a close cannot vouch for it.
 *
 * LevelDB leaves files it does not name alone (its clean-up only touches its own numbered files).
 * The file is framed by the store's codec: checksummed, and encrypted when the store is.
 */
export const LIST_SNAPSHOT = 'SAVEPOINT-LIST';
const FORMAT = 3;

interface DbState {
  /** CURRENT's content (`MANIFEST-000123`). */
  manifest: string;
  /** That MANIFEST's size (a copy of the folder is the same store at rest). */
  manifestStat: [number];
  /** Tables and logs, sorted, with their sizes. */
  files: [string, number][];
}

interface SnapshotFile extends DbState {
  format: number;
  rows: SessionSummary[];
}

const isDataFile = (name: string) => /^\d+\.(ldb|sst|log)$/.test(name);

function readCurrent(dir: string): string | undefined {
  try {
    const name = readFileSync(join(dir, 'CURRENT'), 'utf8').trim();
    return /^MANIFEST-\d+$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

function dbState(dir: string, manifest: string): DbState {
  const m = statSync(join(dir, manifest));
  const files = readdirSync(dir)
    .filter(isDataFile)
    .sort()
    .map((name): [string, number] => [name, statSync(join(dir, name)).size]);
  return { manifest, manifestStat: [m.size], files };
}

const sameState = (a: DbState, b: DbState) =>
  a.manifest === b.manifest && a.manifestStat.every((x, i) => x === b.manifestStat[i]) && a.files.length === b.files.length && a.files.every(([n, s], i) => b.files[i]?.[0] === n && b.files[i]?.[1] === s);

/** CURRENT's content while the writer still holds the database (no other process can open it before it closes). */
export function currentManifest(dir: string): string | undefined {
  return readCurrent(dir);
}

/**
 * Removes the file; never throws (a file left behind is stale, and readers find it so). `unlinkSync`,
 * not `rmSync`: the first call of the latter costs most of a millisecond in a fresh process, in
 * every open of the store.
 */
export function removeListSnapshot(dir: string): void {
  for (const f of [join(dir, `${LIST_SNAPSHOT}.tmp`), join(dir, LIST_SNAPSHOT)]) {
    try {
      unlinkSync(f);
    } catch {
      // Read-only or locked: the check at read time still refuses it.
    }
  }
}

/**
 * `removeListSnapshot` in the thread pool, for a writer that has just opened the store: its open
 * wrote a new MANIFEST, so readers refuse the file already (see `readListSnapshot`), and the main
 * thread need not wait for the unlinks. Never rejects; the writer's close waits for it before it
 * writes the file again.
 */
export function removeListSnapshotInPool(dir: string): Promise<void> {
  const gone = (f: string) => new Promise<void>((resolve) => unlink(f, () => resolve()));
  return Promise.all([gone(join(dir, `${LIST_SNAPSHOT}.tmp`)), gone(join(dir, LIST_SNAPSHOT))]).then(() => undefined);
}

/**
 * Writes the rows (newest update first) once the database has closed, with `manifest` read before
 * it closed. Without rows, or with a CURRENT that changed meanwhile (another process opened the
 * store), removes the file instead. Never throws: without the file, listing reads the store.
 */
export function writeListSnapshot(dir: string, manifest: string | undefined, rows: readonly SessionSummary[] | undefined, key?: Uint8Array): void {
  try {
    if (!rows || !manifest || readCurrent(dir) !== manifest) throw new Error('nothing to vouch for');
    const file = join(dir, LIST_SNAPSHOT);
    const tmp = `${file}.tmp`;
    const snap: SnapshotFile = { format: FORMAT, ...dbState(dir, manifest), rows: [...rows] };
    // Not deflated: the file is read far more often than written, and reading it whole is cheaper than inflating it.
    const body = new RecordCodec({ compressMin: 0, ...(key ? { key } : {}) }).encode(jsonBytes(snap));
    const fd = openSync(tmp, 'w');
    try {
      for (let n = 0; n < body.length; ) n += writeSync(fd, body, n, body.length - n);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    removeListSnapshot(dir);
  }
}

/**
 * The rows a cleanly closed store left, newest update first, or undefined when they may not be what
 * the store holds (opened since, crashed, no file, damaged, a format or key this version cannot
 * read): then list through the store.
 */
export function readListSnapshot(dir: string, key?: Uint8Array): SessionSummary[] | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(join(dir, LIST_SNAPSHOT));
  } catch {
    return undefined;
  }
  try {
    const snap = parseJson<SnapshotFile>(new RecordCodec({ compressMin: 0, ...(key ? { key } : {}) }).decode(raw));
    if (snap.format !== FORMAT || !Array.isArray(snap.rows) || !Array.isArray(snap.files) || !Array.isArray(snap.manifestStat)) return undefined;
    // Checked after the file is read: a writer that opened the store meanwhile has named its own MANIFEST by now.
    const manifest = readCurrent(dir);
    if (manifest !== snap.manifest || !sameState(snap, dbState(dir, manifest))) return undefined;
    return snap.rows;
  } catch {
    return undefined;
  }
}
