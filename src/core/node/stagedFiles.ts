import { closeSync, fchmodSync, fstatSync, fsync, lstatSync, mkdirSync, openSync, readdirSync, rename as renameCb, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceError, type ApplyGuard, type StagedFiles } from '../ports/workspace';
import { errCode } from '../util/errCode';

/** The writing side of `NodeWorkspace`: staged files (synced temporary files beside their targets), their renames and the directory syncs. */

/**
 * Files up to this size are read and written with synchronous calls; only the calls that wait on
 * the disk (below) go to the thread pool. From the page cache such a call takes microseconds, where
 * the promise API costs a thread-pool trip per open, stat, read, write and close, and more
 * main-thread time than the I/O itself (a rewind of 20 files made about 300 such trips). Larger
 * files keep the promise API, so that no single call holds the event loop for long.
 */
export const SYNC_IO_MAX = 256 * 1024;

/**
 * The calls that wait on the disk go to the thread pool, in the callback form (lighter than the
 * promise API): fsync, and the creation and renaming of files, which took 100 µs and more each on
 * ext4 right after other files were synced, and overlap well across the pool's threads.
 */
function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

/**
 * The mode a staged file is created with: for a known mode, its owner's bits only, so that a private
 * file's contents are never readable by others, not even until the chmod that follows.
 */
const createMode = (mode: number | 'executable' | undefined): number | undefined => (typeof mode === 'number' ? mode & 0o700 : undefined);

function renameFile(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => renameCb(from, to, (e) => (e ? reject(e) : resolve())));
}

/**
 * The name of a staged file, exactly as `NodeWorkspace.stageFiles` makes it: `.savepoint-`, the tag
 * and a dash when there is one (letters and digits), the batch's 16 random hex digits, the file's
 * number in the batch (4 hex digits, more past 65535), `.tmp`. A user's `.savepoint-notes.tmp` is not one.
 */
const STAGING_NAME = /^\.savepoint-(?:[A-Za-z0-9]{1,64}-)?[0-9a-f]{20,28}\.tmp$/;

export const isStagingName = (name: string): boolean => STAGING_NAME.test(name);

/** fsync a directory so a rename in it survives a power loss; not every platform allows it. */
export async function syncDir(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    await fsyncFd(fd);
  } catch {
    // Some platforms and file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    closeSync(fd);
  }
}

/**
 * A write keeps the mode of the file it replaces; a new file has the default one, with execute bits when asked.
 * `made`: the topmost folder the staging made for the file (absolute), when it made any, or the one
 * its apply makes (`swap` 'mkdir').
 * `swap`: made after the batch's deletions. 'mkdir': the file goes where a file the batch deletes
 * stands in for a folder now; staged in `stageDir` (that file's folder), its folders are made once
 * that file is gone. 'rmdir': the file replaces a folder the batch's deletions empty, removed first.
 */
export type StageTarget =
  | { kind: 'write'; rel: string; real: string; dir: string; mode?: number; executable?: true; made?: string; swap?: 'mkdir' | 'rmdir'; stageDir?: string }
  | { kind: 'link'; rel: string; real: string; dir: string; to: string; made?: string }
  | { kind: 'delete'; rel: string; entry: string };


/** The default mode of a new file (the umask applied) with an execute bit wherever it has a read bit, as `chmod +x`. */
export const withExec = (mode: number): number => (mode & 0o7777) | ((mode & 0o444) >> 2);

function writeAll(fd: number, bytes: Uint8Array, mode: number | 'executable' | undefined): void {
  for (let n = 0; n < bytes.length; ) n += writeSync(fd, bytes, n, bytes.length - n);
  if (mode !== undefined) fchmodSync(fd, mode === 'executable' ? withExec(fstatSync(fd).mode) : mode);
}

export interface NewFile {
  file: string;
  bytes: Uint8Array;
  mode: number | 'executable' | undefined;
}

/** Files written before the syncs of the ones before them are waited for (`writeStaged`); it bounds the open descriptors too. */
const WRITE_CHUNK = 64;

/**
 * New files, each synced (data and inode), with `mode` when given ('executable': the default one
 * plus execute bits), in chunks: the small files of a chunk are all created and written first, on
 * this thread, then synced at once in the thread pool, where the syncs overlap each other and
 * whatever this thread does meanwhile. A creation while other files are being synced waits on the
 * file system's journal (100 µs and more each on ext4), and a sync whose turn waits for this thread
 * to be free waits for nothing: one pass of creations, then the syncs. The next chunk is written
 * while the syncs of the one before run (at most two chunks' files open). Larger files keep the
 * promise API (`writeSyncedLarge`), each written and synced before this resolves.
 *
 * Resolves once every file is written and every chunk's syncs but the last are done; `synced`
 * settles when those are (every descriptor closed), rejected by the first error. Written and not
 * yet synced, a file is as good as synced for anything but a power loss, so the caller can go on
 * (a rewind commits its record meanwhile) and waits for `synced` before a rename makes a file the
 * user's. On a failure to write, no new chunk is started, what was started is waited for and the
 * first error thrown; the caller removes the files.
 */
export async function writeStaged(files: readonly NewFile[]): Promise<{ synced: Promise<void> }> {
  let failure: { e: unknown } | undefined;
  const settle = async (work: Promise<void>[]) => {
    for (const r of await Promise.allSettled(work)) if (r.status === 'rejected') failure ??= { e: r.reason };
  };
  let before: Promise<void>[] = [];
  for (let at = 0; at < files.length && !failure; at += WRITE_CHUNK) {
    const syncs: Promise<void>[] = [];
    const written: number[] = [];
    const large: Promise<void>[] = [];
    try {
      for (const f of files.slice(at, at + WRITE_CHUNK)) {
        if (f.bytes.length > SYNC_IO_MAX) large.push(writeSyncedLarge(f.file, f.bytes, f.mode));
        else written.push(createWritten(f));
      }
    } catch (e) {
      failure ??= { e };
    }
    for (const fd of written) syncs.push(syncAndClose(fd));
    // A large file is written (and synced) whole before this resolves: a failure to write one is the staging's.
    await settle(large);
    if (at > 0 || failure) await settle(before);
    before = syncs;
  }
  if (failure) {
    await settle(before);
    throw failure.e;
  }
  // Settled once every sync is (every descriptor closed), not at the first failure.
  const synced = Promise.allSettled(before).then((all) => {
    const failed = all.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  // Waited for by the caller; an early failure is not left unhandled meanwhile.
  synced.catch(() => undefined);
  return { synced };
}

function createWritten(f: NewFile): number {
  const fd = openSync(f.file, 'wx', createMode(f.mode));
  try {
    writeAll(fd, f.bytes, f.mode);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

function syncAndClose(fd: number): Promise<void> {
  return fsyncFd(fd).finally(() => closeSync(fd));
}

async function writeSyncedLarge(file: string, bytes: Uint8Array, mode: number | 'executable' | undefined): Promise<void> {
  const fh = await open(file, 'wx', createMode(mode));
  try {
    await fh.writeFile(bytes);
    if (mode !== undefined) await fh.chmod(mode === 'executable' ? withExec((await fh.stat()).mode) : mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function removeTemps(temps: readonly (string | undefined)[]): Promise<void> {
  await Promise.all(temps.map((t) => (t ? rm(t, { force: true }) : undefined)));
}

/** Unlinks a confined entry; the directory to sync, or undefined when nothing was there. */
export function unlinkEntry(rel: string, entry: string): string | undefined {
  try {
    unlinkSync(entry);
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EISDIR' || code === 'EPERM') {
      const st = statSync(entry, { throwIfNoEntry: false });
      if (st?.isDirectory()) throw new WorkspaceError('IS_DIRECTORY', rel, `${rel} is a directory.`, { cause: e });
    }
    throw e;
  }
  return path.dirname(entry);
}

/**
 * Removes the folder `abs` if it holds nothing but folders holding nothing (removed too, deepest
 * first). A folder holding anything else stays, with what it holds; its emptied subfolders go.
 */
export function removeEmptyTree(abs: string): boolean {
  let empty = true;
  for (const d of readdirSync(abs, { withFileTypes: true })) empty = d.isDirectory() && !d.isSymbolicLink() ? removeEmptyTree(path.join(abs, d.name)) && empty : false;
  if (empty) rmdirSync(abs);
  return empty;
}

/**
 * The way to a swap's file (`StageTarget.swap`), once the batch's deletions are done: the folder it
 * replaces removed, or the folders it goes in made, their parents to sync added to `dirs`. False
 * when the way is not free (something left in the folder, or the file that stood in for the folder
 * still there): the change is then skipped.
 */
function makeWay(t: Extract<StageTarget, { kind: 'write' }>, dirs: Set<string>): boolean {
  try {
    if (t.swap === 'rmdir') return !lstatSync(t.real, { throwIfNoEntry: false })?.isDirectory() || removeEmptyTree(t.real);
    mkdirSync(t.dir, { recursive: true });
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EACCES' || code === 'EPERM') return false;
    throw e;
  }
  const top = t.stageDir ?? t.dir;
  for (let d = t.dir; d.startsWith(top) && d !== path.dirname(d); d = path.dirname(d)) dirs.add(d);
  dirs.add(top);
  return true;
}

export class NodeStagedFiles implements StagedFiles {
  private state: 'staged' | 'applied' | 'discarded' = 'staged';

  /**
   * `synced`: settles when every staged file is on disk (see `writeStaged`); no change is made
   * before, and none at all when it fails.
   */
  constructor(
    private readonly targets: readonly StageTarget[],
    private readonly temps: (string | undefined)[],
    readonly madeDirs: readonly string[] = [],
    private readonly synced: Promise<void> = Promise.resolve(),
  ) {}

  async apply(guard?: ApplyGuard): Promise<{ skipped: string[] }> {
    if (this.state !== 'staged') throw new Error(`these changes were already ${this.state}`);
    this.state = 'applied';
    try {
      // Each guard asked right before its change: after the syncs, which a caller overlaps with its own work before this.
      await this.synced;
    } catch (e) {
      await removeTemps(this.temps);
      throw e;
    }
    const dirs = new Set<string>();
    const skipped: string[] = [];
    const one = async (t: StageTarget, i: number) => {
      // A change left out keeps its temporary file until `removeTemps` below.
      if (guard && !(await guard.unchanged(t.rel))) {
        skipped.push(t.rel);
        return;
      }
      if (t.kind === 'delete') {
        const dir = unlinkEntry(t.rel, t.entry);
        if (dir !== undefined) dirs.add(dir);
        return;
      }
      if (t.kind === 'write' && t.swap !== undefined && !makeWay(t, dirs)) {
        skipped.push(t.rel);
        return;
      }
      await renameFile(this.temps[i] as string, t.real);
      this.temps[i] = undefined;
      dirs.add(t.dir);
    };
    // The swaps once every deletion is done: they need the paths those free.
    const swap = (t: StageTarget) => t.kind === 'write' && t.swap !== undefined;
    const done = await Promise.allSettled(this.targets.map((t, i) => (swap(t) ? undefined : one(t, i))));
    const swapped = await Promise.allSettled(this.targets.map((t, i) => (swap(t) ? one(t, i) : undefined)));
    // What was done is made durable, and what was not leaves no temporary file, even on a failure.
    await Promise.all([...dirs].map(syncDir));
    await removeTemps(this.temps);
    const failed = [...done, ...swapped].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { skipped };
  }

  async discard(): Promise<void> {
    if (this.state !== 'staged') return;
    this.state = 'discarded';
    await this.synced.catch(() => undefined);
    await removeTemps(this.temps);
  }
}
