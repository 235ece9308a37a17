/** What the slot needs of a capture: to be let go of. */
export interface Disposable {
  dispose(): Promise<void> | void;
}

/**
 * The workspace's one change capture, made on first use and made again, with the settings of the
 * moment, after `invalidate` (the user changed `savepoint.ignore` or the file size limit). A capture
 * in use is never swapped under a running session: the old one stays until the last run that began
 * with it has ended, then goes, and the next run gets a new one. Runs are counted with `begin`.
 */
export class CaptureSlot<C extends Disposable> {
  private current: C | undefined;
  private stale = false;
  private runs = 0;

  constructor(private readonly make: () => C) {}

  /** The capture, made now if there is none. */
  get(): C {
    this.current ??= this.make();
    return this.current;
  }

  /** Whether a capture has been made (and not dropped since). */
  get made(): boolean {
    return this.current !== undefined;
  }

  /** The settings changed: the capture is made again as soon as no run is using it. */
  invalidate(): void {
    this.stale = true;
    this.dropIfIdle();
  }

  /** A run began; call the function returned once it has ended (more calls do nothing). */
  begin(): () => void {
    this.runs++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.runs--;
      this.dropIfIdle();
    };
  }

  async dispose(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    await c?.dispose();
  }

  private dropIfIdle(): void {
    if (!this.stale || this.runs > 0) return;
    this.stale = false;
    const old = this.current;
    this.current = undefined;
    void Promise.resolve(old?.dispose()).catch(() => undefined);
  }
}
