import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, fsync, lstatSync, mkdirSync, open as openCb, openSync, readSync, rename as renameCb, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceError, type ApplyGuard, type FileChangeRequest, type FileStat, type LinkOnWay, type StagedFiles, type StageOptions, type ListOptions, type ListResult, type Workspace } from '../ports/workspace';
import { PathConfiner } from './confinedPath';
import { linksOnWay } from './linksOnWay';
import { isExecutable } from './captureRead';
import { eachLimited } from '../util/eachLimited';
import { loadGitignore, loadRootRules, walk } from './gitignoreWalk';

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * Files up to this size are read and written with synchronous calls; only the calls that wait on
 * the disk (below) go to the thread pool. From the page cache such a call takes microseconds, where
 * the promise API costs a thread-pool trip per open, stat, read, write and close, and more
 * main-thread time than the I/O itself (a rewind of 20 files made about 300 such trips). Larger
 * files keep the promise API, so that no single call holds the event loop for long.
 */
const SYNC_IO_MAX = 256 * 1024;

/**
 * The calls that wait on the disk go to the thread pool, in the callback form (lighter than the
 * promise API): fsync, and the creation and renaming of files, which took 100 µs and more each on
 * ext4 right after other files were synced, and overlap well across the pool's threads.
 */
function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

function createFd(file: string, mode = 0o666): Promise<number> {
  return new Promise((resolve, reject) => openCb(file, 'wx', mode, (e, fd) => (e ? reject(e) : resolve(fd))));
}

/**
 * The mode a staged file is created with: for a known mode, its owner's bits only, so that a private
 * file's contents are never readable by others, not even until the chmod that follows.
 */
const createMode = (mode: number | 'executable' | undefined): number | undefined => (typeof mode === 'number' ? mode & 0o700 : undefined);

function renameFile(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => renameCb(from, to, (e) => (e ? reject(e) : resolve())));
}

/** fsync a directory so a rename in it survives a power loss; not every platform allows it. */
async function syncDir(dir: string): Promise<void> {
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

/** Files written at once by `writeFiles`: each waits on an fsync, which the disk can overlap. */
const WRITE_CONCURRENCY = 8;

/** The `Workspace` port on the local file system (tests, the CLI, and the extension's default). */
export class NodeWorkspace implements Workspace {
  readonly root: string;
  private readonly confiner: PathConfiner;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.confiner = new PathConfiner(this.root);
  }

  async resolve(rel: string): Promise<string> {
    return this.confiner.confine(rel).real;
  }

  async readFile(rel: string): Promise<Uint8Array | undefined> {
    const { real } = this.confiner.confine(rel);
    try {
      const buf = readSmall(rel, real) ?? (await readFile(real));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      const code = errCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'EISDIR') throw new WorkspaceError('IS_DIRECTORY', rel, `${rel} is a directory.`, { cause: e });
      if (code === 'ENXIO') throw notAFile(rel, e);
      throw e;
    }
  }

  async writeFile(rel: string, bytes: Uint8Array): Promise<void> {
    await this.writeFiles([{ path: rel, bytes }]);
  }

  async deleteFile(rel: string): Promise<boolean> {
    const dir = this.remove(rel);
    if (dir !== undefined) await syncDir(dir);
    return dir !== undefined;
  }

  async writeFiles(changes: readonly FileChangeRequest[]): Promise<void> {
    await (await this.stageFiles(changes)).apply();
  }

  async stageFiles(changes: readonly FileChangeRequest[], options: StageOptions = {}): Promise<StagedFiles> {
    const prefix = tempPrefix(options.tag);
    const seen = new Set<string>();
    for (const c of changes) {
      if (seen.has(c.path)) throw new WorkspaceError('INVALID_PATH', c.path, `${c.path} is given twice.`);
      seen.add(c.path);
    }
    // Where each change goes: metadata reads, before any file is written.
    const targets = changes.map((c) => (c.bytes === null ? this.deletionTarget(c.path) : this.writeTarget(c.path, c.executable === true, c.setExec, c.mode)));
    const temps: (string | undefined)[] = new Array<string | undefined>(changes.length);
    // One random part for the batch, numbered per file: each randomBytes call costs about 20 µs.
    const batch = randomBytes(8).toString('hex');
    try {
      await eachLimited([...changes.keys()], WRITE_CONCURRENCY, async (i) => {
        const bytes = (changes[i] as FileChangeRequest).bytes;
        const t = targets[i] as StageTarget;
        if (bytes === null || t.kind !== 'write') return;
        const tmp = path.join(t.dir, `${prefix}${batch}${i.toString(16).padStart(4, '0')}${TEMP_SUFFIX}`);
        temps[i] = tmp;
        await writeSynced(tmp, bytes, t.mode ?? (t.executable ? 'executable' : undefined));
      });
    } catch (e) {
      await removeTemps(temps);
      throw e;
    }
    return new NodeStagedFiles(targets, temps);
  }

  async removeStaged(tag: string, paths: readonly string[]): Promise<{ removed: number; left: number }> {
    const prefix = tempPrefix(tag);
    const dirs = new Set<string>();
    for (const p of paths) {
      try {
        // Beside the file a write went to: the link's target when the path is a symlink.
        dirs.add(path.dirname(this.confiner.confineEntry(p).entry));
        dirs.add(path.dirname(this.confiner.confine(p).real));
      } catch {
        // A path that is no longer inside the workspace has nothing of ours beside it to remove.
      }
    }
    let removed = 0;
    let left = 0;
    for (const dir of dirs) {
      // A folder that is gone has nothing left in it; one that cannot be read may.
      const names = await readdir(dir).catch((e: unknown) => {
        if (errCode(e) !== 'ENOENT' && errCode(e) !== 'ENOTDIR') left++;
        return [] as string[];
      });
      for (const name of names) {
        if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
        // One that cannot be removed (held open elsewhere) does not stop the others.
        if (await rm(path.join(dir, name), { force: true }).then(() => true, () => false)) removed++;
        else left++;
      }
    }
    return { removed, left };
  }

  private writeTarget(rel: string, executable: boolean, setExec?: boolean, createMode?: number): StageTarget {
    const { real } = this.confiner.confine(rel);
    let existing;
    try {
      existing = statSync(real, { throwIfNoEntry: false });
    } catch (e) {
      if (errCode(e) === 'ENOTDIR') throw new WorkspaceError('NOT_DIRECTORY', rel, `A parent of ${rel} is a file.`, { cause: e });
      throw e;
    }
    if (existing?.isDirectory()) throw new WorkspaceError('IS_DIRECTORY', rel, `${rel} is a directory.`);
    const dir = path.dirname(real);
    // An existing file's directory exists.
    if (!existing) makeParents(rel, dir);
    if (existing) {
      const mode = existing.mode & 0o7777;
      return { kind: 'write', rel, real, dir, mode: setExec === undefined || process.platform === 'win32' ? mode : setExec ? withExec(mode) : mode & ~0o111 };
    }
    if (createMode !== undefined && process.platform !== 'win32') return { kind: 'write', rel, real, dir, mode: createMode & 0o7777 };
    return { kind: 'write', rel, real, dir, ...(executable && process.platform !== 'win32' ? { executable: true } : {}) };
  }

  private deletionTarget(rel: string): StageTarget {
    const { entry } = this.confiner.confineEntry(rel);
    let st;
    try {
      st = lstatSync(entry, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) throw new WorkspaceError('IS_DIRECTORY', rel, `${rel} is a directory.`);
    return { kind: 'delete', rel, entry };
  }

  /** Unlinks the entry; returns the directory to sync, or undefined when nothing was there. */
  private remove(rel: string): string | undefined {
    const { entry } = this.confiner.confineEntry(rel);
    return unlinkEntry(rel, entry);
  }

  async linksOnWay(rels: readonly string[]): Promise<(LinkOnWay | undefined)[]> {
    return linksOnWay(this.root, rels);
  }

  async stat(rel: string): Promise<FileStat | undefined> {
    const { real } = this.confiner.confine(rel);
    try {
      const st = statSync(real);
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
      const file = type === 'file' && process.platform !== 'win32';
      return { type, size: st.size, mtimeMs: st.mtimeMs, ...(type === 'file' && isExecutable(st.mode) ? { executable: true as const } : {}), ...(file ? { mode: st.mode & 0o7777 } : {}) };
    } catch (e) {
      const code = errCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async list(dir: string, options: ListOptions = {}): Promise<ListResult> {
    const { real, rel } = this.confiner.confine(dir);
    const st = await this.stat(dir);
    if (!st) throw new WorkspaceError('NOT_FOUND', dir, `${dir} does not exist.`);
    if (st.type !== 'directory') throw new WorkspaceError('NOT_DIRECTORY', dir, `${dir} is not a directory.`);
    const matchers = options.respectGitignore === false ? undefined : await this.ancestorMatchers(rel);
    return walk(real, rel, { recursive: options.recursive ?? false, limit: options.limit ?? 1000, matchers });
  }

  /** The repository's info/exclude, then the .gitignore rules of the root and of every directory down to `rel`, outermost first. */
  private async ancestorMatchers(rel: string) {
    const parts = rel === '' ? [] : rel.split('/');
    const matchers = await loadRootRules(this.confiner.confine('.').real);
    for (let i = 1; i <= parts.length; i++) {
      const base = parts.slice(0, i).join('/');
      const { real } = this.confiner.confine(base === '' ? '.' : base);
      const m = await loadGitignore(real, base);
      if (m) matchers.push(m);
    }
    return matchers;
  }
}

const TEMP_SUFFIX = '.tmp';

/** The start of a staged file's name: `.savepoint-` then the tag, if any (letters and digits only). */
function tempPrefix(tag: string | undefined): string {
  if (tag === undefined) return '.savepoint-';
  if (!/^[A-Za-z0-9]{1,64}$/.test(tag)) throw new Error(`invalid staging tag ${JSON.stringify(tag)}: letters and digits only`);
  return `.savepoint-${tag}-`;
}

/** A write keeps the mode of the file it replaces; a new file has the default one, with execute bits when asked. */
type StageTarget = { kind: 'write'; rel: string; real: string; dir: string; mode?: number; executable?: true } | { kind: 'delete'; rel: string; entry: string };

function makeParents(rel: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    if (errCode(e) === 'EEXIST' || errCode(e) === 'ENOTDIR') throw new WorkspaceError('NOT_DIRECTORY', rel, `A parent of ${rel} is a file.`, { cause: e });
    throw e;
  }
}

/** O_NONBLOCK does nothing for a regular file; where it does not exist (Windows) a pipe cannot be opened by path anyway. */
const READ_FLAGS = constants.O_NONBLOCK === undefined ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK;

const notAFile = (rel: string, cause?: unknown) =>
  new WorkspaceError('NOT_A_FILE', rel, `${rel} is not a regular file (a pipe, socket or device).`, cause === undefined ? undefined : { cause });

/**
 * The whole of a small file (see SYNC_IO_MAX), or undefined for a larger one, to be read with the
 * promise API. Throws as `readFile` does (ENOENT, EISDIR...).
 */
function readSmall(rel: string, file: string): Buffer | undefined {
  // Non-blocking, so that a named pipe is refused at once instead of holding the thread until a writer comes.
  const fd = openSync(file, READ_FLAGS);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
    if (!st.isFile()) throw notAFile(rel);
    if (st.size > SYNC_IO_MAX) return undefined;
    // One byte more than the size: a file that grew since the stat is read to its end.
    let buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > SYNC_IO_MAX) return undefined;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The default mode of a new file (the umask applied) with an execute bit wherever it has a read bit, as `chmod +x`. */
const withExec = (mode: number): number => (mode & 0o7777) | ((mode & 0o444) >> 2);

/** A new file with `bytes`, synced (data and inode), with `mode` when given ('executable': the default one plus execute bits). */
async function writeSynced(file: string, bytes: Uint8Array, mode: number | 'executable' | undefined): Promise<void> {
  if (bytes.length > SYNC_IO_MAX) return writeSyncedLarge(file, bytes, mode);
  const fd = await createFd(file, createMode(mode));
  try {
    for (let n = 0; n < bytes.length; ) n += writeSync(fd, bytes, n, bytes.length - n);
    if (mode !== undefined) fchmodSync(fd, mode === 'executable' ? withExec(fstatSync(fd).mode) : mode);
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
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

async function removeTemps(temps: readonly (string | undefined)[]): Promise<void> {
  await Promise.all(temps.map((t) => (t ? rm(t, { force: true }) : undefined)));
}

/** Unlinks a confined entry; the directory to sync, or undefined when nothing was there. */
function unlinkEntry(rel: string, entry: string): string | undefined {
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

class NodeStagedFiles implements StagedFiles {
  private state: 'staged' | 'applied' | 'discarded' = 'staged';

  constructor(
    private readonly targets: readonly StageTarget[],
    private readonly temps: (string | undefined)[],
  ) {}

  async apply(guard?: ApplyGuard): Promise<{ skipped: string[] }> {
    if (this.state !== 'staged') throw new Error(`these changes were already ${this.state}`);
    this.state = 'applied';
    const dirs = new Set<string>();
    const skipped: string[] = [];
    const done = await Promise.allSettled(
      this.targets.map(async (t, i) => {
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
        await renameFile(this.temps[i] as string, t.real);
        this.temps[i] = undefined;
        dirs.add(t.dir);
      }),
    );
    // What was done is made durable, and what was not leaves no temporary file, even on a failure.
    await Promise.all([...dirs].map(syncDir));
    await removeTemps(this.temps);
    const failed = done.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { skipped };
  }

  async discard(): Promise<void> {
    if (this.state !== 'staged') return;
    this.state = 'discarded';
    await removeTemps(this.temps);
  }
}
