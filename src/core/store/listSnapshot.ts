import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RecordCodec, jsonBytes, parseJson } from './codec';
import type { SessionSummary } from './types';

/**
 * The session list of a store at rest, for a process that only lists (`savepoint list`): opening
 * LevelDB costs 5-9 ms before the first read (it writes and syncs a new MANIFEST), and reading 1,000
 * index rows through it 10-15 ms more. A store that closes cleanly leaves its rows in one file
 * beside LevelDB's, with the name of the MANIFEST in force when it closed. Every open of the
 * database, by any process or version, writes a new MANIFEST and names it in CURRENT; so while
 * CURRENT still names the recorded one, nothing has opened the store since, and the rows are
 * exactly what the store holds. After a crash, or while a writer has the store open, the names
 * differ and the caller reads the store itself.
 *
 * LevelDB leaves files it does not name alone (its clean-up only touches its own numbered files).
 * The file is framed by the store's codec: checksummed, and encrypted when the store is.
 */
export const LIST_SNAPSHOT = 'SAVEPOINT-LIST';
const FORMAT = 1;

interface SnapshotFile {
  format: number;
  /** CURRENT's content when the store closed (`MANIFEST-000123`). */
  manifest: string;
  rows: readonly SessionSummary[];
}

function readCurrent(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'CURRENT'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Writes the rows (newest update first) while the writer still holds the database, after its last
 * write: CURRENT cannot change before it closes. Never throws: without the file, listing reads the
 * store as before.
 */
export function writeListSnapshot(dir: string, rows: readonly SessionSummary[], key?: Uint8Array): void {
  const file = join(dir, LIST_SNAPSHOT);
  const tmp = `${file}.tmp`;
  try {
    const manifest = readCurrent(dir);
    if (!manifest || !/^MANIFEST-\d+$/.test(manifest)) throw new Error('no CURRENT');
    // Not deflated: the file is read far more often than written, and reading it whole is cheaper than inflating it.
    const body = new RecordCodec({ compressMin: 0, ...(key ? { key } : {}) }).encode(jsonBytes({ format: FORMAT, manifest, rows } satisfies SnapshotFile));
    const fd = openSync(tmp, 'w');
    try {
      for (let n = 0; n < body.length; ) n += writeSync(fd, body, n, body.length - n);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
    // An older snapshot is harmless (its MANIFEST is no longer CURRENT's), but there is no reason to keep it.
    rmSync(file, { force: true });
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
    if (snap.format !== FORMAT || !Array.isArray(snap.rows)) return undefined;
    // Read after the file: a writer that opened the store meanwhile has named its own MANIFEST by now.
    if (snap.manifest !== readCurrent(dir)) return undefined;
    return [...snap.rows];
  } catch {
    return undefined;
  }
}
