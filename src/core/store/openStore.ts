import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync as readFileNow, readdirSync } from 'node:fs';
import { cp, copyFile, link, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { MemoryLevel } from 'memory-level';
import type { KeyProvider } from './codec';
import { StoreError, fromLevelError } from './errors';
import { LevelCheckpointStore, type LevelStoreOptions } from './levelCheckpointStore';
import { type ManifestTables, readManifest } from './leveldbManifest';
import { currentManifest, removeListSnapshotInPool, writeListSnapshot } from './listSnapshot';
import { type Db, flushToTables } from './storeContext';
import { LOG_PREFIX, WriteAheadLog, readLog, setLogAside } from './writeAheadLog';
import { errCode } from '../util/errCode';

export interface OpenStoreOptions {
  /** The store's directory (the extension passes `<storageUri>/store`). Created if missing. */
  dir: string;
  /**
   * What to do when another process holds the database: 'readonly' (default) opens a point-in-time
   * copy that can be read but not written; 'fail' throws StoreError LOCKED.
   */
  onLocked?: 'readonly' | 'fail';
  syncWrites?: boolean;
  snapshotEvery?: number;
  compressMin?: number;
  /** Supplies the key when encryption at rest is on. */
  keyProvider?: KeyProvider;
  now?: () => number;
}

/** The store with what `openCheckpointStore` adds: where it lives and how to release a read-only copy. */
export class DiskCheckpointStore extends LevelCheckpointStore {
  dir = '';
  /** Set when this is a read-only copy; removed on close. */
  copyDir: string | undefined;
  /** The list at rest going, from the open on (see `openCheckpointStore`); the close waits for it before writing it again. */
  listRemoved: Promise<void> = Promise.resolve();

  constructor(options: LevelStoreOptions) {
    super(options);
    // A clean close leaves the session list beside the database, for a process that only lists.
    this.listAtRest = { before: () => currentManifest(this.dir), after: (manifest, rows) => writeListSnapshot(this.dir, manifest, rows, options.encryptionKey) };
  }

  override async close(): Promise<void> {
    await this.listRemoved;
    await super.close();
    if (this.copyDir) await rm(this.copyDir, { recursive: true, force: true });
  }
}

/**
 * Opens (creating if needed) the store in `options.dir` on classic-level. Throws StoreError:
 * LOCKED (only with onLocked 'fail'), SCHEMA_UNSUPPORTED, CORRUPT, KEY_UNAVAILABLE or IO.
 */
export async function openCheckpointStore(options: OpenStoreOptions): Promise<DiskCheckpointStore> {
  const key = options.keyProvider ? await resolveKey(options.keyProvider) : undefined;
  // One or two metadata calls: not worth a trip through the thread pool.
  try {
    mkdirSync(options.dir, { recursive: true });
  } catch (e) {
    // A file where the folder goes (a --store naming one) left Node's EEXIST/ENOTDIR unexplained.
    const code = errCode(e);
    const what = code === 'EEXIST' ? 'it is a file, not a folder' : code === 'ENOTDIR' ? 'a file is where one of its folders goes' : `cannot create the folder (${code ?? String(e)})`;
    throw new StoreError('IO', `opening the store in ${options.dir}: ${what}`, { cause: e });
  }
  const base = { ...storeOptions(options), ...(key ? { encryptionKey: key } : {}) };
  try {
    const store = await openAt(options.dir, { ...base, readOnly: false });
    store.dir = options.dir;
    // From now on the list at rest is not the store's (readers already refuse it: the open wrote a
    // new MANIFEST); its close writes it again.
    store.listRemoved = removeListSnapshotInPool(options.dir);
    return store;
  } catch (e) {
    if (!StoreError.is(e, 'LOCKED') || options.onLocked === 'fail') throw e;
  }
  return openReadOnlyCopy(options.dir, base);
}

/** Copies taken before giving up, for at least this long: a busy owner on a loaded machine rotates its log often. */
const COPY_ATTEMPTS = 8;
const COPY_PATIENCE_MS = 5_000;

/**
 * LevelDB has one opener per directory, so a second reader works on a point-in-time copy. The
 * owner keeps writing while we copy: a log or table file can be compacted away between listing
 * and copying it, or the copied MANIFEST can name a table that did not make it. Either way the
 * copy is thrown away and taken again; LevelDB's own recovery drops a torn log tail, so a copy
 * that opens is a consistent state as far as the store's atomic batches go.
 */
async function openReadOnlyCopy(dir: string, base: Omit<LevelStoreOptions, 'db'>): Promise<DiskCheckpointStore> {
  let last: unknown;
  const since = Date.now();
  for (let attempt = 1; attempt <= COPY_ATTEMPTS || Date.now() - since < COPY_PATIENCE_MS; attempt++) {
    const copyDir = await mkdtemp(join(tmpdir(), 'savepoint-readonly-'));
    try {
      await copyStoreFiles(dir, copyDir);
      const store = await openAt(copyDir, { ...base, readOnly: true });
      store.dir = dir;
      store.copyDir = copyDir;
      return store;
    } catch (e) {
      last = e;
      await rm(copyDir, { recursive: true, force: true });
      const retriable = errCode(e) === 'ENOENT' || StoreError.is(e, 'CORRUPT') || StoreError.is(e, 'IO');
      if (!retriable) throw e;
      await new Promise((r) => setTimeout(r, Math.min(20 * attempt, 200)));
    }
  }
  // A copy that reads as damaged says nothing sure about the owner's files, and the owner holds
  // them: not CORRUPT, which would offer to repair a store another window is using.
  if (StoreError.is(last) && !StoreError.is(last, 'CORRUPT')) throw last;
  throw new StoreError('IO', `could not take a read-only copy of the store in ${dir} while another window writes to it${last instanceof Error ? ` (${last.message})` : ''}`, { cause: last });
}

/**
 * The copy for a read-only open. CURRENT and the MANIFEST go first, then the tables, then the logs.
 * Only the tables live in the copied MANIFEST are taken: they never change again, so they are
 * hard-linked when the file system allows (microseconds per table instead of a read and a write,
 * which leaves the owner's compactions little time to delete a table the copy still names). A table
 * the owner is still writing is never linked: the copy's own recovery may create a file of the same
 * number, and through a link it would truncate the owner's. When the MANIFEST cannot be read, every
 * table is copied, not linked.
 */
async function copyStoreFiles(dir: string, copyDir: string): Promise<void> {
  // The owner's write-ahead log is copied last (the copy replays it): it holds every batch since
  // LevelDB last had all of them in tables, some of which LevelDB may not have yet. A segment listed
  // now and gone by then was dropped after such a point the copied tables may predate: the copy is
  // taken again.
  const listed = await readdir(dir);
  const logs = listed.filter((n) => n.startsWith(LOG_PREFIX) && !n.includes('.'));
  const names = listed.filter((n) => n !== 'LOCK' && n !== 'LOG' && n !== 'LOG.old' && !n.startsWith(LOG_PREFIX));
  const meta = names.filter((n) => n === 'CURRENT' || n.startsWith('MANIFEST-'));
  for (const name of meta) await copyFile(join(dir, name), join(copyDir, name));
  const tables = await copiedTables(copyDir);
  let canLink = true;
  for (const name of names.filter(isTable)) {
    if (tables && !tables.live.has(Number.parseInt(name, 10))) continue;
    const from = join(dir, name);
    const to = join(copyDir, name);
    if (tables && canLink) {
      try {
        await link(from, to);
        continue;
      } catch (e) {
        if (errCode(e) === 'ENOENT') throw e;
        canLink = false;
      }
    }
    await copyFile(from, to);
  }
  for (const name of names.filter((n) => !meta.includes(n) && !isTable(n))) await copyFile(join(dir, name), join(copyDir, name));
  const now = (await readdir(dir)).filter((n) => n.startsWith(LOG_PREFIX) && !n.includes('.'));
  if (logs.length === 0 && now.length === 0) return;
  // A segment is removed only after a memtable flush, which appends to the MANIFEST, and a new owner
  // writes a new MANIFEST (and may reuse a segment's name): unchanged since it was copied, nothing
  // the copied tables lack can have left the log.
  const changed = () => Object.assign(new Error('the database changed while the copy was taken'), { code: 'ENOENT' });
  if (!(await sameManifest(dir, copyDir))) throw changed();
  if (logs.some((n) => !now.includes(n))) throw Object.assign(new Error('a log segment was removed while the copy was taken'), { code: 'ENOENT' });
  for (const name of now) await copyFile(join(dir, name), join(copyDir, name));
  if (!(await sameManifest(dir, copyDir))) throw changed();
}

/** Whether `dir`'s CURRENT still names the MANIFEST the copy has, at the copy's size. */
async function sameManifest(dir: string, copyDir: string): Promise<boolean> {
  try {
    const [a, b] = [(await readFile(join(dir, 'CURRENT'), 'utf8')).trim(), (await readFile(join(copyDir, 'CURRENT'), 'utf8')).trim()];
    return a === b && (await stat(join(dir, a))).size === (await stat(join(copyDir, b))).size;
  } catch {
    return false;
  }
}

/** The tables of the MANIFEST that the copied CURRENT names (undefined when it cannot be read). */
async function copiedTables(copyDir: string): Promise<ManifestTables | undefined> {
  try {
    const current = (await readFile(join(copyDir, 'CURRENT'), 'utf8')).trim();
    if (!/^MANIFEST-\d+$/.test(current)) return undefined;
    return readManifest(await readFile(join(copyDir, current)));
  } catch {
    return undefined;
  }
}

const isTable = (name: string) => name.endsWith('.ldb') || name.endsWith('.sst');

/** Whether CURRENT names a MANIFEST that is not there (damage a repair rebuilds, not an I/O failure). */
function manifestMissing(dir: string): boolean {
  try {
    const name = readFileNow(join(dir, 'CURRENT'), 'utf8').trim();
    return /^MANIFEST-\d+$/.test(name) && !existsSync(join(dir, name));
  } catch {
    return false;
  }
}

/**
 * Files a database leaves once it exists: LevelDB's tables and logs, and the store's own log (each is
 * made after CURRENT). A MANIFEST alone is not one: LevelDB writes it (and a .dbtmp) before CURRENT
 * when it creates a database, so a process killed in its first open leaves them, and nothing else.
 */
export const isDatabaseFile = (name: string) => isTable(name) || /^\d+\.log$/.test(name) || name.startsWith(LOG_PREFIX);

async function openAt(dir: string, options: Omit<LevelStoreOptions, 'db'>): Promise<DiskCheckpointStore> {
  // Without CURRENT but with the files of a database, creating one would make an empty store whose
  // clean-up deletes the old tables: that is damage, for a repair to rebuild from them. Checked before
  // the ClassicLevel is made: one not opened in the same tick opens itself, creating a database.
  const fresh = !existsSync(join(dir, 'CURRENT'));
  if (fresh && readdirSync(dir).some(isDatabaseFile)) {
    throw new StoreError('CORRUPT', `the store in ${dir} has lost its CURRENT file; repairing the store keeps a copy of it and rebuilds it from its tables`);
  }
  const db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    // The directory exists (both callers make it). Asked to create a missing database, classic-level
    // first makes the directory again with the promise API, a thread-pool trip in every open. LevelDB
    // creates a database only where CURRENT is missing, so with CURRENT there the flag changes nothing
    // else (see `fresh` above).
    await db.open({ createIfMissing: fresh });
  } catch (e) {
    const err = fromLevelError(e, `opening the store in ${dir}`);
    if (StoreError.is(err, 'IO') && manifestMissing(dir)) {
      throw new StoreError('CORRUPT', `the store in ${dir} has lost the MANIFEST its CURRENT file names; repairing the store keeps a copy of it and rebuilds it from its tables`, { cause: e });
    }
    throw err;
  }
  let log: WriteAheadLog | undefined;
  try {
    // Every open applies what a log left by a crash holds (a read-only copy into its own copy), even
    // one that will not sync: a log left behind would later be replayed over newer commits.
    const found = await replayLog(dir, db as unknown as Db, !options.readOnly);
    // A segment that could not be removed must go through a log's close, or a later open replays it over newer commits.
    if (!options.readOnly && (options.syncWrites !== false || found.length > 0)) log = new WriteAheadLog(dir, found);
    return await DiskCheckpointStore.create({ ...options, db: db as unknown as Db, ...(log ? { log } : {}) });
  } catch (e) {
    log?.close(false);
    await db.close().catch(() => undefined);
    throw e;
  }
}

/**
 * Applies what the write-ahead log holds (after a crash; a clean close leaves none), in order and
 * whatever LevelDB already kept of it. With `settle` (the store's own directory), LevelDB's memtable
 * then goes to a synced table and only then are the segments removed; returns the segments left. A
 * damaged log is refused (CORRUPT, files untouched): `repairCheckpointStore` sets it aside.
 */
async function replayLog(dir: string, db: Db, settle: boolean): Promise<number[]> {
  let found: ReturnType<typeof readLog>;
  try {
    found = readLog(dir, { trimTornTail: true });
  } catch (e) {
    throw new StoreError('IO', `reading the store's log in ${dir}: ${(e as Error).message}`, { cause: e });
  }
  if (found.newer) throw new StoreError('SCHEMA_UNSUPPORTED', `this store's log (${found.newer}) was written by a newer Savepoint, in a format this one cannot read. It was left untouched.`);
  if (found.damage) throw new StoreError('CORRUPT', `the store's log in ${dir} is damaged (${found.damage}); repairing the store keeps a copy of it and opens what the database holds`);
  if (found.segments.length === 0) return [];
  try {
    for (const ops of found.batches) await db.batch(ops as never, { sync: false } as never);
    if (!settle) return found.segments;
    await flushToTables(db);
  } catch (e) {
    throw fromLevelError(e, `applying the store's log in ${dir}`);
  }
  const log = new WriteAheadLog(dir, found.segments);
  log.dropOlder();
  return log.leftOver;
}

/** An in-memory store (memory-level) with the same behaviour, for tests and dry runs. */
export async function openMemoryStore(
  options: Omit<OpenStoreOptions, 'dir' | 'onLocked' | 'keyProvider'> & { encryptionKey?: Uint8Array; db?: Db } = {},
): Promise<LevelCheckpointStore> {
  const db = options.db ?? (new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Db);
  await db.open();
  return LevelCheckpointStore.create({
    ...storeOptions(options),
    ...(options.encryptionKey ? { encryptionKey: options.encryptionKey } : {}),
    db,
  });
}

function storeOptions(o: Omit<OpenStoreOptions, 'dir'>): Omit<LevelStoreOptions, 'db'> {
  const out: Omit<LevelStoreOptions, 'db'> = {};
  if (o.syncWrites !== undefined) out.syncWrites = o.syncWrites;
  if (o.snapshotEvery !== undefined) out.snapshotEvery = o.snapshotEvery;
  if (o.compressMin !== undefined) out.compressMin = o.compressMin;
  if (o.now !== undefined) out.now = o.now;
  return out;
}

async function resolveKey(provider: KeyProvider): Promise<Uint8Array> {
  let key: Uint8Array;
  try {
    key = await provider.getKey();
  } catch (e) {
    throw new StoreError('KEY_UNAVAILABLE', 'the encryption key could not be read', { cause: e });
  }
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new StoreError('KEY_UNAVAILABLE', 'the encryption key must be 32 bytes');
  }
  return key;
}

/**
 * Salvages a store LevelDB refuses to open (CORRUPT): the damaged directory is first copied to
 * `<dir>.damaged-<time>` (nothing is lost, whatever repair decides), then LevelDB's repair rebuilds
 * what it can read; records that fail the store's own checksums are quarantined on later reads as
 * usual. Returns the backup's path. Call it only when the user asks for it.
 */
export async function repairCheckpointStore(dir: string, now: () => number = Date.now): Promise<string> {
  if (!existsSync(dir)) throw new StoreError('IO', `there is no store in ${dir} to repair`);
  // The backup first: opening LevelDB (the lock probe) already changes the directory (LOCK, LOG rotated).
  const backup = `${dir}.damaged-${now()}`;
  await cp(dir, backup, { recursive: true, errorOnExist: true, force: false });
  // LevelDB's repair takes no lock: never under a process that holds the store.
  const probe = new ClassicLevel(dir);
  try {
    await probe.open({ createIfMissing: false });
    await probe.close();
  } catch (e) {
    if (StoreError.is(fromLevelError(e, 'repair'), 'LOCKED')) {
      await rm(backup, { recursive: true, force: true });
      throw new StoreError('LOCKED', `the store in ${dir} is in use by another window or process: it is not repaired`, { cause: e });
    }
  }
  try {
    await repairInChild(dir);
    // A damaged log cannot be replayed safely: it is set aside (a copy is in the backup too), and
    // the store opens with what LevelDB kept. An intact one is replayed by the next open.
    if (readLog(dir).damage) setLogAside(dir, now);
  } catch (e) {
    throw new StoreError('CORRUPT', `the store in ${dir} could not be repaired; the damaged copy is kept in ${backup}`, { cause: e });
  }
  return backup;
}

/**
 * LevelDB's repair in a child process: on some damage its repairer aborts on an assertion, which
 * in this process would take the editor's extension host (or the CLI) down with it. The worker is
 * beside this module (out/, tests) or beside the bundle (dist/repairWorker.js).
 */
function repairInChild(dir: string): Promise<void> {
  const worker = join(__dirname, 'repairWorker.js');
  return new Promise((resolve, reject) => {
    // In the editor, execPath is Electron's: it runs the worker as plain Node.
    const child = spawn(process.execPath, [worker, dir], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => void (stderr = (stderr + d).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(signal ? `LevelDB's repair stopped the process that ran it (${signal}): ${lastLine(stderr)}` : `LevelDB's repair failed: ${lastLine(stderr)}`));
    });
  });
}

const lastLine = (s: string): string => s.trim().split('\n').pop() ?? '';
