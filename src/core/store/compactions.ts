import type { Db } from './storeContext';

/** Keys from `start` to `end`, both included. */
export type KeyRange = readonly [string, string];

type Compactable = Db & { compactRange(start: string, end: string): Promise<void> };

/** Whether `db` is open and can compact a range (classic-level; memory-level cannot). */
export function canCompact(db: Db): db is Compactable {
  const d = db as Db & { compactRange?: unknown };
  return d.status === 'open' && typeof d.compactRange === 'function' && d.supports.additionalMethods['compactRange'] === true;
}

/**
 * Compactions of key ranges, in the background. LevelDB's deletes only add tombstones: the space of
 * what they delete comes back once a compaction reaches it, which for a store that has stopped
 * growing may be never. Ranges asked for while a compaction runs go in the next one, their spans of
 * a table merged: many deletions in a row rewrite the blob table about twice, not once each.
 */
export class Compactions {
  private queue: KeyRange[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    /** Waits for the batches on their way to LevelDB, so that the compaction sees them. */
    private readonly settled: () => Promise<void>,
  ) {}

  /** Compacts `ranges` soon. Best effort: never throws, and a closed database compacts nothing. */
  soon(ranges: readonly KeyRange[]): void {
    if (!canCompact(this.db)) return;
    this.queue.push(...ranges);
    this.running ??= this.run();
  }

  /** Settles once the compactions asked for so far have run. */
  done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    try {
      await this.settled().catch(() => undefined);
      while (this.queue.length > 0) {
        for (const [start, end] of mergeByTable(this.queue.splice(0))) {
          if (!canCompact(this.db)) return;
          await this.db.compactRange(start, end).catch(() => undefined);
        }
      }
    } finally {
      this.queue = [];
      this.running = undefined;
    }
  }
}

/** One range per table (the keys' first letter), from the smallest start to the largest end. */
function mergeByTable(ranges: readonly KeyRange[]): KeyRange[] {
  const out = new Map<string, [string, string]>();
  for (const [start, end] of ranges) {
    const t = start.slice(0, 2);
    const had = out.get(t);
    out.set(t, had ? [start < had[0] ? start : had[0], end > had[1] ? end : had[1]] : [start, end]);
  }
  return [...out.values()];
}
