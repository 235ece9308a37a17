import type { Stats } from 'node:fs';
import path from 'node:path';
import { type Comparison, sameExec } from '../capture/changeSet';
import { type AdmitBytes, type IndexEntry, isExecutable, lstatOrNone, readEntry, statDiffers } from './captureRead';
import { eachLimited } from '../util/eachLimited';

/** A path to compare with the index: its lstat, or null when nothing tracked is there any more. */
export type Candidates = Map<string, Stats | null>;

/** The file clock's granularity, with a wide margin: an entry written this close to its read is re-hashed. */
const RACY_MS = 50;

/** The bytes the capture already holds for a content hash (its content store), if any. */
export type Recall = (hash: string) => Promise<Uint8Array | undefined>;

/** What a move (rename(2)) keeps of a regular file: its inode, size and modification time. */
const movedKey = (ino: number, size: number, mtimeMs: number) => `${ino}:${size}:${mtimeMs}`;

/**
 * The baseline index: path -> size, times, inode and hash of every tracked file (never the bytes).
 * `compare` brings it up to date for a set of candidates and says what changed.
 */
export class CaptureIndex {
  private readonly entries = new Map<string, IndexEntry>();
  /** Number of entries below each directory, so `under` is free for a path that holds none. */
  private readonly dirs = new Map<string, number>();
  /** The entries of files with other names (hard links): a write through a name outside the workspace, or in an ignored folder, has no event. */
  private readonly linked = new Set<string>();

  constructor(
    private readonly rootAbs: string,
    private readonly maxBytes: number,
    private readonly concurrency: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(rel: string): IndexEntry | undefined {
    return this.entries.get(rel);
  }

  paths(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Every entry, by path (what the capture's log keeps of the index). */
  all(): IterableIterator<[string, IndexEntry]> {
    return this.entries.entries();
  }

  set(rel: string, e: IndexEntry): void {
    const { bytes: _bytes, links, ...meta } = e;
    if (!this.entries.has(rel)) this.count(rel, 1);
    this.entries.set(rel, meta);
    if (links !== undefined) this.linked.add(rel);
    else this.linked.delete(rel);
  }

  delete(rel: string): void {
    if (this.entries.delete(rel)) this.count(rel, -1);
    this.linked.delete(rel);
  }

  /** The tracked files that had other names (hard links) as last read: a watched capture stats them at every settle. */
  linkedPaths(): string[] {
    return [...this.linked];
  }

  /**
   * Adds to `found` the other tracked names of its hard-linked files (a link count above 1): a write
   * through one name changes them all, and the watcher reports only the name written through.
   */
  async addLinkedNames(found: Candidates): Promise<void> {
    const inodes = new Set([...found.values()].flatMap((st) => (st && st.nlink > 1 ? [st.ino] : [])));
    if (inodes.size === 0) return;
    for (const [rel, e] of this.entries) {
      if (!inodes.has(e.ino) || found.has(rel)) continue;
      const st = await lstatOrNone(path.join(this.rootAbs, rel));
      found.set(rel, st?.isFile() ? st : null);
    }
  }

  /** Tracked paths strictly under the directory `dirRel`. */
  under(dirRel: string): string[] {
    if (!this.dirs.has(dirRel)) return [];
    const prefix = `${dirRel}/`;
    return [...this.entries.keys()].filter((p) => p.startsWith(prefix));
  }

  private count(rel: string, delta: number): void {
    for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
      const dir = rel.slice(0, i);
      const n = (this.dirs.get(dir) ?? 0) + delta;
      if (n > 0) this.dirs.set(dir, n);
      else this.dirs.delete(dir);
    }
  }

  /**
   * Updates the entries of `candidates` and returns those whose content changed (or appeared, or
   * went). A file whose stat matches its entry (and is not racy) is not read, nor is a new path that
   * a vanished entry was moved to (see `moves`) when `recall` has that entry's bytes. `hashed` counts
   * reads. `admit`: whether the new bytes of a file are kept (the capture's budgets, see readEntry).
   */
  async compare(candidates: Candidates, admit?: AdmitBytes, recall?: Recall): Promise<{ comparisons: Comparison[]; hashed: number }> {
    const comparisons: Comparison[] = [];
    let hashed = 0;
    const moved = recall ? this.moves(candidates) : new Map<string, IndexEntry>();
    await eachLimited(candidates, this.concurrency, async ([rel, st]) => {
      const before = this.entries.get(rel);
      if (st && before && !statDiffers(before, st, RACY_MS)) return;
      const from = st ? moved.get(rel) : undefined;
      let after = st && from && recall ? await this.movedEntry(from, st, recall, admit) : undefined;
      if (st && !after) {
        after = await this.read(rel, admit);
        hashed++;
      }
      // There but unreadable (chmod 000): what it holds is not known, and it is not gone either.
      if (st && !after && before && (await lstatOrNone(path.join(this.rootAbs, rel)))?.isFile()) return;
      if (after) this.set(rel, after);
      else this.delete(rel);
      if (!before && !after) return;
      if (before && after && before.hash === after.hash && sameExec(before, after)) return;
      comparisons.push({ path: rel, before, after });
    });
    return { comparisons, hashed };
  }

  /**
   * The new paths among `candidates` that hold a file moved from a vanished one (mv, git mv): the same
   * inode, size and modification time as the vanished path's entry, which was not racy when read. A
   * rename keeps all three; a write changes the time (a move plus a same-size rewrite with the old time
   * put back by hand would pass, as it would git's test without ctime, which a rename changes). A file
   * born after the entry was read is not the moved one, whatever its stat: a file system that reuses
   * the inode of a deleted file (ext4 does at once) gives it to a new one, and tar, unzip or cp -p set
   * its time, the same for every file of an archive.
   */
  private moves(candidates: Candidates): Map<string, IndexEntry> {
    const gone = new Map<string, IndexEntry>();
    for (const [rel, st] of candidates) {
      const e = st === null ? this.entries.get(rel) : undefined;
      if (e && e.link === undefined && Math.max(e.mtimeMs, e.ctimeMs) < e.readAt - RACY_MS) gone.set(movedKey(e.ino, e.size, e.mtimeMs), e);
    }
    const out = new Map<string, IndexEntry>();
    if (gone.size === 0) return out;
    for (const [rel, st] of candidates) {
      const e = st?.isFile() && !this.entries.has(rel) ? gone.get(movedKey(st.ino, st.size, st.mtimeMs)) : undefined;
      // A rename keeps the birth time (before the entry's read); a file born since is a new one that got the freed inode.
      if (e && !(st && st.birthtimeMs > 0 && st.birthtimeMs >= e.readAt - RACY_MS)) out.set(rel, e);
    }
    return out;
  }

  /** The entry of a file moved from `from`, with the bytes `recall` holds for it; undefined when it holds none (the file is read). */
  private async movedEntry(from: IndexEntry, st: Stats, recall: Recall, admit?: AdmitBytes): Promise<IndexEntry | undefined> {
    if (from.size > this.maxBytes) return undefined;
    const bytes = await recall(from.hash);
    if (bytes?.length !== from.size) return undefined;
    const keep = admit ? admit(from.size, from.binary) : true;
    const mode = process.platform === 'win32' ? {} : { mode: st.mode & 0o7777 };
    return { hash: from.hash, size: from.size, binary: from.binary, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, readAt: Date.now(), ...(st.nlink > 1 ? { links: st.nlink } : {}), ...(isExecutable(st.mode) ? { exec: true as const } : {}), ...mode, ...(keep ? { bytes } : {}) };
  }

  read(rel: string, admit?: AdmitBytes): Promise<IndexEntry | undefined> {
    return readEntry(path.join(this.rootAbs, rel), this.maxBytes, admit);
  }
}
