import type { SessionId } from './types';

/** Serialises the writers of each session inside this process (LevelDB's lock keeps other processes out). */
export class SessionLocks {
  private readonly tails = new Map<SessionId, Promise<unknown>>();

  /** Sessions with a writer running or waiting. */
  get busy(): number {
    return this.tails.size;
  }

  /** Settles once every writer running or waiting now has finished. */
  idle(): Promise<unknown> {
    return Promise.allSettled([...this.tails.values()]);
  }

  /** Runs `fn` after every earlier writer of `id` has finished. */
  async run<T>(id: SessionId, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    }
  }
}
