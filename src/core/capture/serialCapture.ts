import type { CaptureMark, ChangeCapture, FileChangeSet } from '../ports/changeCapture';

/**
 * One change capture shared by every session of a workspace, one command at a time. A capture
 * records everything that changes on disk while it is open, so two open at once would each take
 * the other's changes (and a capture refuses a second `begin()` anyway, which left the second
 * command unrecorded). Here a second `begin()` waits until the first capture has ended: a command
 * of another session runs after the running one, and each records its own changes.
 *
 * The wait is bounded by the running command (commands have their own time limits). Writes by the
 * file tools of another session while a command runs are noted (`noteToolWrite`) and left out of
 * that command's changes when the file still holds what the tool wrote: they are the other
 * session's, journaled as its edits. An edit by the user in the editor meanwhile is still the
 * command's (nothing tells them apart on disk).
 */
export class SerialCapture implements ChangeCapture {
  /** Settles when the last capture asked for has ended (or failed to begin). */
  private tail: Promise<void> = Promise.resolve();
  private readonly releases = new Map<number, () => void>();
  /** While a capture is open: the files tools wrote meanwhile, with what they wrote. */
  private toolWrites: Map<string, string | null> | undefined;

  constructor(private readonly inner: ChangeCapture) {}

  async begin(): Promise<CaptureMark> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    // Noted from here: a tool may write while the capture settles in begin(), and that write may be seen as the command's.
    this.toolWrites = new Map();
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

  noteToolWrite(path: string, hash: string | null): void {
    this.toolWrites?.set(path, hash);
  }

  /** Disposes the shared capture: every session's (a waiting `begin()` then fails with DISPOSED). */
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
