import type { CaptureMark, ChangeCapture, FileChangeSet, HeldWrite } from '../ports/changeCapture';

/**
 * One change capture shared by every session of a workspace, one command at a time. A capture
 * records everything that changes on disk while it is open, so two open at once would each take
 * the other's changes (and a capture refuses a second `begin()` anyway, which left the second
 * command unrecorded). Here a second `begin()` waits until the first capture has ended: a command
 * of another session runs after the running one, and each records its own changes.
 *
 * The wait is bounded by the running command (commands have their own time limits). Writes by the
 * file tools, rewinds and undos of another session while a command runs are held (`holdWrites`)
 * and left out of that command's changes when the file still holds what was written: they are the
 * other session's, journaled by it. A hold covers the capture open when it is made and any that
 * begins before its release (a rewind's renames may land after a command began). An edit by the
 * user in the editor meanwhile is still the command's (nothing tells them apart on disk).
 */
export class SerialCapture implements ChangeCapture {
  /** Settles when the last capture asked for has ended (or failed to begin). */
  private tail: Promise<void> = Promise.resolve();
  private readonly releases = new Map<number, () => void>();
  /** While a capture is open: the files written meanwhile by other sessions, with what they wrote. */
  private toolWrites: Map<string, string | null> | undefined;
  /** Writes held now (not yet released). */
  private readonly holds = new Set<readonly HeldWrite[]>();

  constructor(private readonly inner: ChangeCapture) {}

  async begin(): Promise<CaptureMark> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    // Noted from here: a tool may write while the capture settles in begin(), and that write may be seen as the command's.
    this.toolWrites = new Map();
    for (const hold of this.holds) for (const w of hold) this.toolWrites.set(w.path, w.hash);
    try {
      const mark = await this.inner.begin();
      this.releases.set(mark.id, release);
      return mark;
    } catch (e) {
      this.toolWrites = undefined;
      release();
      throw e;
    }
  }

  async end(mark: CaptureMark): Promise<FileChangeSet> {
    try {
      const set = await this.inner.end(mark);
      const written = this.toolWrites;
      if (!written?.size) return set;
      return { ...set, changes: set.changes.filter((c) => !written.has(c.path) || written.get(c.path) !== (c.after?.hash ?? null)) };
    } finally {
      this.toolWrites = undefined;
      const release = this.releases.get(mark.id);
      this.releases.delete(mark.id);
      release?.();
    }
  }

  holdWrites(writes: readonly HeldWrite[]): () => void {
    const hold = [...writes];
    this.holds.add(hold);
    for (const w of hold) this.toolWrites?.set(w.path, w.hash);
    return () => void this.holds.delete(hold);
  }

  /** Disposes the shared capture: every session's (a waiting `begin()` then fails with DISPOSED). */
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
