import { createHash } from 'node:crypto';
import fs, { type Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { linkHash, looksBinary, type Side } from '../capture/changeSet';
import { errCode } from '../util/errCode';

/** What the index keeps per tracked file. */
export interface IndexEntry extends Side {
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** Date.now() just before the file was read: an entry modified within the clock's granularity of it is "racy". */
  readAt: number;
  /** The file has other names (hard links, a link count above 1) as it was read: one may be where nothing watches. */
  links?: number;
}

const CHUNK = 1024 * 1024;

const GONE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR']);

/** lstat, or undefined when nothing is there. */
export async function lstatOrNone(abs: string): Promise<Stats | undefined> {
  try {
    return await lstat(abs);
  } catch (e) {
    if (GONE.has(errCode(e) ?? '')) return undefined;
    throw e;
  }
}

/**
 * Whether every folder from the root down to the parent of a path is a real folder: not a symlink,
 * and there. The watcher reports paths by the folder's name it watched; once that folder is replaced
 * by a link (to a folder outside the workspace, say), such a path leads through the link, and what
 * is behind it is not the workspace's. A folder that cannot be looked at (EACCES) is not known to be
 * a link: the caller's own lstat tells. Each folder is looked at once per checker (one settle).
 */
export function realWay(rootAbs: string): (rel: string) => Promise<boolean> {
  const dirs = new Map<string, Promise<boolean>>();
  const isDir = (dir: string): Promise<boolean> => {
    let found = dirs.get(dir);
    if (!found) {
      found = lstatOrNone(path.join(rootAbs, dir)).then((st) => st?.isDirectory() === true, () => true);
      dirs.set(dir, found);
    }
    return found;
  };
  return async (rel) => {
    for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) if (!(await isDir(rel.slice(0, i)))) return false;
    return true;
  };
}

// The callback API through promisify: about twice as fast as FileHandle for many small files.
const openFd = promisify(fs.open);
const fstatFd = promisify(fs.fstat);
const readFd = promisify(fs.read);
const closeFd = promisify(fs.close);

/** Reads from `fd` into `buf` from offset `from` (of both) until it is full or the file ends; returns the bytes in `buf`. */
async function fill(fd: number, buf: Buffer, from = 0): Promise<number> {
  let got = from;
  while (got < buf.length) {
    const { bytesRead } = await readFd(fd, buf, got, buf.length - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Chunk buffers no read is using (a few, kept for good): reused, so that hashing many large files leaves less garbage behind. */
const freeChunks: Buffer[] = [];

/** Hashes a file in chunks, keeping no bytes (larger than the limit, or past the capture's budget). */
async function hashChunks(fd: number): Promise<{ hash: string; size: number; binary: boolean }> {
  const h = createHash('sha256');
  const buf = freeChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
  try {
    let size = 0;
    let binary = false;
    for (;;) {
      const { bytesRead } = await readFd(fd, buf, 0, CHUNK, size);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      if (size === 0) binary = looksBinary(chunk);
      h.update(chunk);
      size += bytesRead;
    }
    return { hash: h.digest('hex'), size, binary };
  } finally {
    if (freeChunks.length < 4) freeChunks.push(buf);
  }
}

/** The first bytes of the file, as many as `looksBinary` looks at. */
async function head(fd: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(BINARY_PROBE);
  return buf.subarray(0, await fill(fd, buf));
}

const BINARY_PROBE = 8000;

/**
 * Whether the bytes of a file of `size` bytes within the size limit may be kept: the capture's
 * budgets for them, one for binary files and a larger one for text.
 */
export type AdmitBytes = (size: number, binary: boolean) => boolean;

/** Admits files' bytes while their budget lasts: `binary` bytes of binary files, `text` of text files (one pair per side of a capture). */
export function admitWithin(budgets: { binary: number; text: number }): AdmitBytes {
  const left = { ...budgets };
  return (size, binary) => {
    const kind = binary ? 'binary' : 'text';
    if (size > left[kind]) return false;
    left[kind] -= size;
    return true;
  };
}

/** Never follows a symlink at the path itself (POSIX): opening one fails (ELOOP; EMLINK on FreeBSD), and it is read as a link. */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * The symlink at `abs` as an entry: its text (readlink), hashed by `linkHash`, never followed. Its
 * stat is the link's own (lstat). Undefined when the path is not a symlink (any more).
 */
export async function readLinkEntry(abs: string): Promise<IndexEntry | undefined> {
  const readAt = Date.now();
  const st = await lstatOrNone(abs);
  if (!st?.isSymbolicLink()) return undefined;
  let to: string;
  try {
    to = await readlink(abs);
  } catch (e) {
    if (GONE.has(errCode(e) ?? '') || errCode(e) === 'EINVAL' || errCode(e) === 'EACCES') return undefined;
    throw e;
  }
  return { hash: linkHash(to), size: st.size, binary: false, link: to, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, readAt };
}

/**
 * Reads and hashes the regular file at `abs` (through one descriptor, so the stat and the bytes
 * belong to the same inode, and the stat comes first: a write during the read changes mtime, and
 * the next comparison re-reads). The bytes are kept when the file is within `maxBytes`, binary or
 * not (a rewind restores either), unless `admit` refuses its size; a larger file is hashed in
 * chunks. Undefined when the path is no longer a regular file. An unreadable file (EACCES) is
 * treated as absent: the capture cannot say what it holds. A symlink at `abs` is never followed:
 * it is read as a link (`readLinkEntry`).
 */
export async function readEntry(abs: string, maxBytes: number, admit?: AdmitBytes): Promise<IndexEntry | undefined> {
  const readAt = Date.now();
  // Without O_NOFOLLOW (Windows) a link is told by its lstat first.
  const link = NOFOLLOW === 0 ? await readLinkEntry(abs) : undefined;
  if (link) return link;
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO swapped in after the lstat must not hang the capture.
    fd = await openFd(abs, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | NOFOLLOW);
  } catch (e) {
    if (errCode(e) === 'ELOOP' || errCode(e) === 'EMLINK') return readLinkEntry(abs);
    if (GONE.has(errCode(e) ?? '') || errCode(e) === 'EACCES') return undefined;
    throw e;
  }
  try {
    const st = await fstatFd(fd);
    if (!st.isFile()) return undefined;
    const meta = { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, readAt, ...(st.nlink > 1 ? { links: st.nlink } : {}), ...(isExecutable(st.mode) ? { exec: true as const } : {}), ...(process.platform === 'win32' ? {} : { mode: st.mode & 0o7777 }) };
    if (st.size > maxBytes) return { ...meta, ...(await hashChunks(fd)) };
    // A large file's first bytes first: one past its budget is hashed without holding its bytes; otherwise they start the read.
    const first = admit && st.size > BINARY_PROBE ? await head(fd) : undefined;
    if (first && admit && !admit(st.size, looksBinary(first))) return { ...meta, ...(await hashChunks(fd)) };
    const buf = Buffer.allocUnsafeSlow(st.size);
    if (first) first.copy(buf);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, await fill(fd, buf, first?.length ?? 0));
    const hash = createHash('sha256').update(bytes).digest('hex');
    const binary = looksBinary(bytes);
    // A small file is read whole first; past its budget, its bytes are dropped all the same.
    if (admit && !first && !admit(bytes.length, binary)) return { ...meta, hash, size: bytes.length, binary };
    return { ...meta, hash, size: bytes.length, binary, bytes };
  } catch (e) {
    if (errCode(e) === 'EISDIR') return undefined;
    throw e;
  } finally {
    await closeFd(fd);
  }
}

/** An execute bit is set; never on Windows, whose modes have none to keep. */
export const isExecutable = (mode: number): boolean => process.platform !== 'win32' && (mode & 0o111) !== 0;

/** Whether the file at `st` may differ from `e` without a hash: git's stat test, racy entries included. */
export function statDiffers(e: IndexEntry, st: Stats, racyMs: number): boolean {
  if (st.size !== e.size || st.ino !== e.ino || st.mtimeMs !== e.mtimeMs || st.ctimeMs !== e.ctimeMs) return true;
  return Math.max(e.mtimeMs, e.ctimeMs) >= e.readAt - racyMs;
}
