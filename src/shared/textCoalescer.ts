/**
 * Coalesces a fast stream of text deltas into at most one batch per interval, so a model that
 * streams hundreds of tokens a second costs the webview a few messages a second.
 */

/** What one flush carries: text to append (after clearing the live text when `reset`), and notes. */
export interface StreamBatch {
  text: string;
  reset: boolean;
  notes: string[];
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class TextCoalescer {
  private text = '';
  private reset = false;
  private notes: string[] = [];
  private timer: unknown;

  constructor(
    private readonly flush: (batch: StreamBatch) => void,
    private readonly intervalMs = 50,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Text streamed since the last call. */
  push(delta: string): void {
    if (!delta) return;
    this.text += delta;
    this.schedule();
  }

  /** The text streamed so far is void (a retry starts the turn over). */
  discard(note?: string): void {
    this.text = '';
    this.reset = true;
    if (note) this.notes.push(note);
    this.schedule();
  }

  note(text: string): void {
    this.notes.push(text);
    this.schedule();
  }

  /** Sends what is pending now (before a message that must come after it). */
  flushNow(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (!this.text && !this.reset && this.notes.length === 0) return;
    const batch: StreamBatch = { text: this.text, reset: this.reset, notes: this.notes };
    this.text = '';
    this.reset = false;
    this.notes = [];
    this.flush(batch);
  }

  /** Drops what is pending, without sending it. */
  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.text = '';
    this.reset = false;
    this.notes = [];
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.flushNow();
    }, this.intervalMs);
  }
}
