/**
 * Drops a repeat of an action that is still under way: a double click on a button sends its
 * message twice, and the action would ask its question twice (a modal, then the same modal again)
 * or run twice. Once the action has finished, the same one runs again at once (Enter, then Space).
 * An action under way for longer than the window (a question left open) no longer blocks its repeat.
 */
export class RepeatFilter {
  /** Actions under way, by key: when each was let through. */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The release to call once the action has finished, or undefined for a repeat of one under way (drop it). */
  admit(key: string): (() => void) | undefined {
    const t = this.now();
    const at = this.running.get(key);
    if (at !== undefined && t - at < this.windowMs) return undefined;
    this.running.set(key, t);
    return () => {
      if (this.running.get(key) === t) this.running.delete(key);
    };
  }
}
