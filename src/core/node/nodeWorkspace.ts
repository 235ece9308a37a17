import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, rmdirSync, statSync, symlinkSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceError, type FileChangeRequest, type FileStat, type LinkOnWay, type StagedFiles, type StageOptions, type ListOptions, type ListResult, type NotWritable, type Workspace } from '../ports/workspace';
import { PathConfiner, inDir } from './confinedPath';
import { linksOnWay } from './linksOnWay';
import { isExecutable } from './captureRead';
import { isIgnored, loadGitignore, walk } from './gitignoreWalk';
import { loadRootRules } from './repositoryRules';

import { NodeStagedFiles, SYNC_IO_MAX, type StageTarget, removeEmptyTree, removeTemps, syncDir, unlinkEntry, withExec, writeStaged, type NewFile } from './stagedFiles';
import { errCode } from '../util/errCode';
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

  async pruneEmptyDirs(rels: readonly string[]): Promise<void> {
    for (const rel of rels) {
      try {
        const { entry } = this.confiner.confineEntry(rel);
        if (lstatSync(entry, { throwIfNoEntry: false })?.isDirectory()) removeEmptyTree(entry);
      } catch {
        // Gone, or no longer inside the workspace: nothing of ours to prune.
      }
    }
  }

  async removeEmptiedDirs(files: readonly string[], bornAfter: number): Promise<string[]> {
    const dirs = new Set<string>();
    for (const f of files) for (let d = path.posix.dirname(f); d !== '.' && d !== '/' && d !== ''; d = path.posix.dirname(d)) dirs.add(d);
    const removed: string[] = [];
    // Deepest first: a folder that held only emptied folders is empty once they are gone.
    for (const rel of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))) {
      try {
        const { entry } = this.confiner.confineEntry(rel);
        const st = lstatSync(entry, { throwIfNoEntry: false });
        // A birth time equal to the change time is none: where statx is missing, libuv gives the change time.
        if (!st?.isDirectory() || !(st.birthtimeMs > bornAfter) || st.birthtimeMs === st.ctimeMs) continue;
        rmdirSync(entry);
        removed.push(rel);
      } catch {
        // Not empty, gone, or no longer inside the workspace: it stays.
      }
    }
    return removed.sort();
  }

  async writeFile(rel: string, bytes: Uint8Array, options: StageOptions = {}): Promise<void> {
    await (await this.stageFiles([{ path: rel, bytes }], options)).apply();
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
    // A write may go where a file the batch deletes stands in for a folder now (made once it is gone).
    const deleting = new Set(changes.flatMap((c) => (c.bytes === null && c.link === undefined ? [c.path] : [])));
    const targets = changes.map((c) => (c.link !== undefined ? this.linkTarget(c) : c.bytes === null ? this.deletionTarget(c.path, c.replaceLink) : c.replaceLink ? this.entryTarget(c) : this.writeTarget(c, deleting)));
    const temps: (string | undefined)[] = new Array<string | undefined>(changes.length);
    // One random part for the batch, numbered per file: each randomBytes call costs about 20 µs.
    const batch = randomBytes(8).toString('hex');
    const files: NewFile[] = [];
    let synced: Promise<void>;
    try {
      changes.forEach((c, i) => {
        const t = targets[i] as StageTarget;
        if (t.kind === 'delete') return;
        const tmp = inDir((t.kind === 'write' ? t.stageDir : undefined) ?? t.dir, `${prefix}${batch}${i.toString(16).padStart(4, '0')}${TEMP_SUFFIX}`);
        temps[i] = tmp;
        // A link's text is metadata: the directory's sync after the rename makes it durable.
        if (t.kind === 'link') symlinkSync(t.to, tmp);
        else files.push({ file: tmp, bytes: c.bytes as Uint8Array, mode: t.mode ?? (t.executable ? 'executable' : undefined) });
      });
      ({ synced } = await writeStaged(files));
    } catch (e) {
      await removeTemps(temps);
      throw e;
    }
    const root = this.confiner.confine('.').real;
    const madeDirs = targets.flatMap((t) => (t.kind !== 'delete' && t.made !== undefined ? [path.relative(root, t.made).split(path.sep).join('/')] : []));
    return new NodeStagedFiles(targets, temps, madeDirs, synced);
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

  /** `deleting`: the paths the batch deletes (see `FileChangeRequest.replaceDir`). */
  private writeTarget(c: FileChangeRequest, deleting: ReadonlySet<string>): StageTarget {
    const rel = c.path;
    const { real } = this.confiner.confine(rel);
    const dir = path.dirname(real);
    const blocker = this.deletedFileOnWay(rel, deleting);
    let existing;
    try {
      existing = blocker ? undefined : statSync(real, { throwIfNoEntry: false });
    } catch (e) {
      if (errCode(e) === 'ENOTDIR') throw new WorkspaceError('NOT_DIRECTORY', rel, `A parent of ${rel} is a file.`, { cause: e });
      throw e;
    }
    const replacing = existing?.isDirectory() === true;
    if (replacing && !c.replaceDir) throw new WorkspaceError('IS_DIRECTORY', rel, `${rel} is a directory.`);
    if (existing && !replacing) {
      const mode = existing.mode & 0o7777;
      return { kind: 'write', rel, real, dir, mode: c.setExec === undefined || process.platform === 'win32' ? mode : c.setExec ? withExec(mode) : mode & ~0o111 };
    }
    // An existing file's directory exists; so does a replaced folder's; one a deleted file stands in for is made by the apply.
    const made = blocker ?? (existing ? undefined : makeParents(rel, dir));
    const swap = blocker ? { swap: 'mkdir' as const, stageDir: path.dirname(blocker) } : replacing ? { swap: 'rmdir' as const } : {};
    const fresh = { kind: 'write' as const, rel, real, dir, ...(made !== undefined ? { made } : {}), ...swap };
    if (c.mode !== undefined && process.platform !== 'win32') return { ...fresh, mode: c.mode & 0o7777 };
    return { ...fresh, ...(c.executable === true && process.platform !== 'win32' ? { executable: true } : {}) };
  }

  /** The entry (absolute) of a file the batch deletes that stands where a folder on the way to `rel` goes; undefined when there is none. */
  private deletedFileOnWay(rel: string, deleting: ReadonlySet<string>): string | undefined {
    for (let d = path.posix.dirname(rel); d !== '.' && d !== '/' && d !== ''; d = path.posix.dirname(d)) {
      if (!deleting.has(d)) continue;
      const { entry } = this.confiner.confineEntry(d);
      const st = lstatSync(entry, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) return entry;
    }
    return undefined;
  }

  /** A symlink to make at the entry itself (the folders on its way followed, the entry never). */
  private linkTarget(c: FileChangeRequest): StageTarget {
    if (c.bytes !== null) throw new WorkspaceError('INVALID_PATH', c.path, `${c.path}: a link is made without contents.`);
    const { real, dir, made } = this.entryTarget(c) as { real: string; dir: string; made?: string };
    return { kind: 'link', rel: c.path, real, dir, to: c.link as string, ...(made !== undefined ? { made } : {}) };
  }

  /** A change that replaces the entry at `c.path` (a file or a link, wherever it leads), never what a link there leads to. */
  private entryTarget(c: FileChangeRequest): StageTarget {
    const { entry } = this.confiner.confineLinkEntry(c.path);
    const st = lstatSync(entry, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw new WorkspaceError('IS_DIRECTORY', c.path, `${c.path} is a directory.`);
    const dir = path.dirname(entry);
    const made = st ? undefined : makeParents(c.path, dir);
    const mode = c.mode !== undefined && process.platform !== 'win32' ? { mode: c.mode & 0o7777 } : {};
    return { kind: 'write', rel: c.path, real: entry, dir, ...(made !== undefined ? { made } : {}), ...mode, ...(c.executable && !('mode' in mode) && process.platform !== 'win32' ? { executable: true as const } : {}) };
  }

  /** `link`: the entry is a symlink, removed itself wherever it leads (never followed). */
  private deletionTarget(rel: string, link?: true): StageTarget {
    const { entry } = link ? this.confiner.confineLinkEntry(rel) : this.confiner.confineEntry(rel);
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

  canMakeLinks(): boolean {
    return process.platform !== 'win32';
  }

  async notWritable(rel: string, options: { entry?: boolean; file?: boolean } = {}): Promise<NotWritable | undefined> {
    const target = options.entry === true ? this.confiner.confineEntry(rel).entry : this.confiner.confine(rel).real;
    const rootReal = this.confiner.confine('.').real;
    const shown = (abs: string): string => path.relative(rootReal, abs).split(path.sep).join('/') || '.';
    if (options.file === true && statSync(target, { throwIfNoEntry: false })?.isFile() && !canWrite(target)) return { kind: 'file', path: shown(target) };
    for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
      const st = statSync(dir, { throwIfNoEntry: false });
      if (st?.isDirectory()) return canWrite(dir) ? undefined : { kind: 'folder', path: shown(dir) };
      // A file on the way: the tools' own checks say so.
      if (st !== undefined || path.dirname(dir) === dir) return undefined;
    }
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
    if (options.respectGitignore === false) return walk(real, rel, { recursive: options.recursive ?? false, limit: options.limit ?? 1000, matchers: undefined });
    const matchers = await this.ancestorMatchers(rel);
    // A folder named on purpose (node_modules/lib, dist) is looked in: the rules that ignore it would leave nothing.
    const own = matchers.at(-1)?.base === rel && rel !== '' ? matchers.slice(-1) : [];
    const ignoredDir = rel !== '' && isIgnored(matchers.slice(0, matchers.length - own.length), rel, true);
    const result = await walk(real, rel, { recursive: options.recursive ?? false, limit: options.limit ?? 1000, matchers: ignoredDir ? own : matchers });
    return ignoredDir ? { ...result, ignoredDir } : result;
  }

  /** The repository's info/exclude, the .gitignore files above the root (a folder of a repository), then those of the root and of every directory down to `rel`, outermost first. */
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

/** Makes the missing folders of `dir`; returns the topmost one it made (undefined: none). */
function makeParents(rel: string, dir: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
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

/** Whether this process may write `abs`; only a refusal counts (anything else is left to the write to report). */
function canWrite(abs: string): boolean {
  try {
    accessSync(abs, constants.W_OK);
    return true;
  } catch (e) {
    const code = errCode(e);
    return code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS';
  }
}
