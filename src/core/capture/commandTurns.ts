import path from 'node:path';

/**
 * The folder's turn across processes (FolderTurnLock): taken once the turn of this process's queue
 * is had, so a process never waits on itself. `acquire` calls `waits` once when another process
 * holds it, and waits until it is let go (or `signal` aborts: its reason thrown); it returns the
 * release. A lock that cannot be had at all is no reason to hold back a command: it then returns at once.
 */
export interface TurnLock {
  acquire(signal: AbortSignal | undefined, waits: () => void): Promise<() => Promise<void>>;
}

/**
 * The queue of a folder's commands (and check commands): one holds the turn at a time, the others
 * wait in the order they asked. SerialCapture takes its turns here; captures of folders one inside
 * the other share one (`FolderTurns`), since the outer one's capture sees the inner one's files.
 */
export class CommandTurns {
  /** Settles when the last turn asked for has ended (or stopped waiting). */
  private tail: Promise<void> = Promise.resolve();
  /** Turns asked for that wait for another's to end. */
  private waiting = 0;
  /** Whether something holds the turn now (a command's capture, or a check run in its turn). */
  private busy = false;
  /** The label of the command that holds the turn (undefined: none, or a check). */
  private holder: string | undefined;

  /** `lock`: the folder's turn among processes (none: this process's commands only). */
  constructor(private readonly lock?: TurnLock) {}

  /** How many commands and checks wait now for another's turn to end. */
  get queued(): number {
    return this.waiting;
  }

  /**
   * Waits for the turn (in order); returns its release. Aborted: stops waiting (its reason thrown),
   * and its place passes on in order. `label`: the command's, while it holds the turn; `waits`: told
   * when it has to wait, with the label of the command running and how many more wait ahead of it.
   */
  async take(signal: AbortSignal | undefined, label?: string, waits?: (behind: string | undefined, ahead: number) => void): Promise<() => void> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    const queued = this.busy || this.waiting > 0;
    if (queued) {
      waits?.(this.holder, this.waiting);
      this.waiting++;
    }
    try {
      // A session paused or cancelled while its command waits for another's stops waiting (its place passes on in order).
      await untilAborted(previous, signal);
    } catch (e) {
      void previous.then(release);
      throw e;
    } finally {
      if (queued) this.waiting--;
    }
    this.busy = true;
    this.holder = label;
    let unlock: (() => Promise<void>) | undefined;
    try {
      // Another process's command (the editor's, another CLI run's) runs in the folder: it waits for that one too, shown queued as here.
      unlock = await this.lock?.acquire(signal, () => waits?.(undefined, 0));
    } catch (e) {
      this.busy = false;
      this.holder = undefined;
      release();
      throw e;
    }
    return () => {
      this.busy = false;
      this.holder = undefined;
      // The next of this process takes the turn once the lock is let go (else it would find it held, by this very process).
      if (unlock) void unlock().then(release, release);
      else release();
    };
  }
}

/**
 * The queues of a workspace's folders: a folder inside another (a package of a repository, both
 * open) takes its turns in the outermost one's queue; folders side by side keep their own. Decided
 * when a folder's queue is first asked for, from the folders open then.
 */
export class FolderTurns {
  private readonly byRoot = new Map<string, CommandTurns>();

  /** `lockOf`: the turn across processes of an (outermost) folder. */
  constructor(private readonly lockOf?: (root: string) => TurnLock) {}

  /** The queue of the folder `root`, among the open folders `roots`. */
  of(root: string, roots: readonly string[]): CommandTurns {
    const own = this.byRoot.get(root);
    if (own) return own;
    // The outermost open folder it lies in (itself when none): the folders inside that one share its queue.
    const outermost = roots.filter((r) => isInside(root, r)).reduce((a, b) => (isInside(a, b) ? b : a), root);
    const shared = this.byRoot.get(outermost) ?? [...this.byRoot].find(([r]) => isInside(r, outermost))?.[1] ?? new CommandTurns(this.lockOf?.(outermost));
    this.byRoot.set(outermost, shared);
    this.byRoot.set(root, shared);
    return shared;
  }
}

/** `p`, or the abort of `signal` first (its reason thrown). */
function untilAborted(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** `sub` is `root` or lies inside it. */
export function isInside(sub: string, root: string): boolean {
  const rel = path.relative(root, sub);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
