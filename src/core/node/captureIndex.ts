import type { Stats } from 'node:fs';
import path from 'node:path';
import { type Comparison, sameExec } from '../capture/changeSet';
import { type AdmitBytes, type IndexEntry, lstatOrNone, readEntry, statDiffers } from './captureRead';
import { eachLimited } from '../util/eachLimited';

/** A path to compare with the index: its lstat, or null when nothing tracked is there any more. */
export type Candidates = Map<string, Stats | null>;

/** The file clock's granularity, with a wide margin: an entry written this close to its read is re-hashed. */
const RACY_MS = 50;

/**
 * The baseline index: path -> size, times, inode and hash of every tracked file (never the bytes).
 * `compare` brings it up to date for a set of candidates and says what changed.
 */
export class CaptureIndex {
  private readonly entries = new Map<string, IndexEntry>();
  /** Number of entries below each directory, so `under` is free for a path that holds none. */
  private readonly dirs = new Map<string, number>();

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
    const { bytes: _bytes, ...meta } = e;
    if (!this.entries.has(rel)) this.count(rel, 1);
    this.entries.set(rel, meta);
  }

  delete(rel: string): void {
    if (this.entries.delete(rel)) this.count(rel, -1);
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
   * went). A file whose stat matches its entry (and is not racy) is not read. `hashed` counts reads.
   * `admit`: whether the new bytes of a file are kept (the capture's budgets, see readEntry).
   */
  async compare(candidates: Candidates, admit?: AdmitBytes): Promise<{ comparisons: Comparison[]; hashed: number }> {
    const comparisons: Comparison[] = [];
    let hashed = 0;
    await eachLimited(candidates, this.concurrency, async ([rel, st]) => {
      const before = this.entries.get(rel);
      if (st && before && !statDiffers(before, st, RACY_MS)) return;
      const after = st ? await this.read(rel, admit) : undefined;
      if (st) hashed++;
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

  read(rel: string, admit?: AdmitBytes): Promise<IndexEntry | undefined> {
    return readEntry(path.join(this.rootAbs, rel), this.maxBytes, admit);
  }
}
