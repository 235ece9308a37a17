import type { SessionId } from '../store/types';
import type { RunnerEvent } from './runEvents';

/**
 * Active run time per session, for the time budget: counted from the start of a run to each of its
 * commits, which carries the time since the one before (`activeMs` on its last event), so a crash
 * loses at most the time since the last commit and a resume goes on from the journal's total. Time
 * spent waiting for an approval's answer is left out; so is all time outside a run.
 */
export class RunClocks {
  private readonly marks = new Map<SessionId, number>();

  constructor(private readonly now: () => number) {}

  start(id: SessionId): void {
    this.marks.set(id, this.now());
  }

  stop(id: SessionId): void {
    this.marks.delete(id);
  }

  /** `events` with the time since the last stamp on the last one (unchanged outside a run). */
  stamp(id: SessionId, events: RunnerEvent[]): RunnerEvent[] {
    const mark = this.marks.get(id);
    const last = events[events.length - 1];
    if (mark === undefined || !last) return events;
    const t = this.now();
    this.marks.set(id, t);
    if (t <= mark) return events;
    return [...events.slice(0, -1), { ...last, data: { ...last.data, activeMs: t - mark } } as RunnerEvent];
  }

  /** Runs `wait` (for the user's answer) with the clock stopped. */
  async excluding<T>(id: SessionId, wait: () => Promise<T>): Promise<T> {
    const mark = this.marks.get(id);
    const before = mark === undefined ? undefined : this.now() - mark;
    try {
      return await wait();
    } finally {
      if (before !== undefined && this.marks.has(id)) this.marks.set(id, this.now() - before);
    }
  }
}
