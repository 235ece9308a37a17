import { watch as fsWatch, type FSWatcher, readFileSync } from 'node:fs';
import path from 'node:path';
import { errCode } from '../util/errCode';

/** `fs.watch` as the watcher uses it; tests inject one that fails. */
export type WatchFunction = (abs: string, listener: (event: string, name: string | Buffer | null) => void) => FSWatcher;

export const nodeWatch: WatchFunction = (abs, listener) => fsWatch(abs, { persistent: false }, listener);

export interface WatchSink {
  /** A change was reported for `name` in the watched directory `dirRel` (null: unknown entry). */
  onEvent(dirRel: string, event: string, name: string | null): void;
  /** The watcher failed: from now on nothing it reports can be trusted. */
  onFailure(error: unknown): void;
}

/**
 * One non-recursive `fs.watch` per tracked directory. Unlike `{ recursive: true }`, this never
 * watches `.git`, `node_modules` or ignored directories (so it cannot run out of inotify watches
 * on them), and it knows which directories it watches, so new ones can be scanned once.
 */
export class DirWatchers {
  private readonly watched = new Map<string, FSWatcher>();
  private failed = false;

  constructor(
    private readonly rootAbs: string,
    private readonly sink: WatchSink,
    private readonly watchFn: WatchFunction = nodeWatch,
  ) {}

  get count(): number {
    return this.watched.size;
  }

  /**
   * (Re)starts watching `dirRel`, replacing any earlier watcher there: a directory removed and made
   * again may get the same inode number while the old watch is dead. False once the watcher failed,
   * and for a directory that cannot be watched (unreadable, or removed meanwhile): the rest stays
   * watched, and its parent's watcher reports it made readable or made again.
   */
  add(dirRel: string): boolean {
    if (this.failed) return false;
    this.watched.get(dirRel)?.close();
    this.watched.delete(dirRel);
    try {
      const watcher = this.watchFn(path.join(this.rootAbs, dirRel), (event, name) => {
        this.sink.onEvent(dirRel, event, name === null ? null : String(name));
      });
      watcher.on('error', (e) => this.fail(e));
      this.watched.set(dirRel, watcher);
      return true;
    } catch (e) {
      const code = errCode(e);
      if (code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOENT' && code !== 'ENOTDIR') this.fail(e);
      return false;
    }
  }

  has(dirRel: string): boolean {
    return this.watched.has(dirRel);
  }

  /** The watched directories at or below `dirRel`. */
  under(dirRel: string): string[] {
    return [...this.watched.keys()].filter((rel) => dirRel === '' || rel === dirRel || rel.startsWith(`${dirRel}/`));
  }

  /** Stops watching `dirRel` and every directory below it. */
  removeTree(dirRel: string): void {
    for (const [rel, w] of this.watched) {
      if (dirRel === '' || rel === dirRel || rel.startsWith(`${dirRel}/`)) {
        w.close();
        this.watched.delete(rel);
      }
    }
  }

  close(): void {
    this.removeTree('');
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.close();
    this.sink.onFailure(e);
  }
}

/** More watcher events than this between two settles count as an overflow: half the kernel's queue (`max_queued_events`), else 8,192. */
export function defaultMaxEvents(): number {
  try {
    const queued = Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8').trim());
    return Number.isInteger(queued) && queued > 0 ? Math.floor(queued / 2) : 8192;
  } catch {
    return 8192;
  }
}

/** One turn of the event loop (the watcher's callbacks run in it). */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
