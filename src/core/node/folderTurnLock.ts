import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { TurnLock } from '../capture/commandTurns';

/** How often a process that waits for another's command in the folder tries the lock again. */
export const TURN_POLL_MS = 150;

/**
 * The folder's turn across processes (the editor, CLI runs with their own stores): an empty
 * LevelDB database per folder, whose LOCK file LevelDB holds with an OS lock (`fcntl`, `LockFileEx`)
 * while it is open, as it does for the store. The kernel lets it go when the process dies, killed
 * or not, so a crash never leaves the folder locked. It lives in the user's cache folder (never in
 * the workspace or its `.git`), named by a hash of the folder's real path, so every process of the
 * user finds the same one whatever its store. A process that cannot make or open it (a read-only
 * home) runs its commands as before, without waiting for other processes.
 */
export class FolderTurnLock implements TurnLock {
  private readonly dir: string;

  constructor(root: string, base: string = turnLockDir()) {
    this.dir = join(base, createHash('sha256').update(realOf(root)).digest('hex').slice(0, 32));
  }

  async acquire(signal: AbortSignal | undefined, waits: () => void): Promise<() => Promise<void>> {
    let told = false;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const db = await this.tryOpen();
      if (db !== 'locked') return db ? () => db.close().catch(() => undefined) : async () => undefined;
      if (!told) {
        told = true;
        waits();
      }
      await pause(TURN_POLL_MS, signal);
    }
  }

  /** The database open (the turn is this process's), 'locked' (another holds it), or undefined (no lock can be had here). */
  private async tryOpen(): Promise<ClassicLevel | 'locked' | undefined> {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch {
      return undefined;
    }
    const db = new ClassicLevel(this.dir);
    try {
      await db.open({ createIfMissing: true });
      return db;
    } catch (e) {
      return isLocked(e) ? 'locked' : undefined;
    }
  }
}

/** The folder of the turn locks: Savepoint's in the user's cache folder (XDG_CACHE_HOME, else ~/.cache). */
export function turnLockDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'savepoint', 'turns');
}

/** The folder's real path (a link to it and the folder itself share one turn); its absolute path when it cannot be resolved. */
function realOf(root: string): string {
  try {
    return realpathSync.native(root);
  } catch {
    return resolve(root);
  }
}

function isLocked(e: unknown): boolean {
  for (let l: unknown = e; l instanceof Error; l = l.cause) if ((l as { code?: unknown }).code === 'LEVEL_LOCKED') return true;
  return false;
}

/** Waits `ms`, or until `signal` aborts (its reason thrown). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((done, fail) => {
    const onAbort = () => {
      clearTimeout(timer);
      fail(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      done();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
