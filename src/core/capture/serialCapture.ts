import type { CaptureMark, ChangeCapture, FileChange, FileChangeSet, HeldWrite } from '../ports/changeCapture';

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

  async begin(label?: string): Promise<CaptureMark> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    // Noted from here: a tool may write while the capture settles in begin(), and that write may be seen as the command's.
    this.toolWrites = new Map();
    for (const hold of this.holds) for (const w of hold) this.toolWrites.set(w.path, w.hash);
    try {
      const mark = await this.inner.begin(label);
      this.releases.set(mark.id, release);
      this.inner.noteHeld?.([...this.holds].flat());
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
      return { ...set, changes: withoutHeld(set.changes, (p, hash) => written.has(p) && written.get(p) === hash) };
    } finally {
      this.toolWrites = undefined;
      const release = this.releases.get(mark.id);
      this.releases.delete(mark.id);
      release?.();
    }
  }

  holdWrites(writes: readonly HeldWrite[]): (notWritten?: readonly string[]) => void {
    const hold = [...writes];
    this.holds.add(hold);
    for (const w of hold) this.toolWrites?.set(w.path, w.hash);
    if (this.toolWrites) this.inner.noteHeld?.(hold);
    return (notWritten = []) => {
      this.holds.delete(hold);
      // What was not written is not left out of the open capture, unless another hold still covers it.
      for (const p of notWritten) {
        if (!this.toolWrites?.has(p)) continue;
        this.toolWrites.delete(p);
        for (const other of this.holds) for (const w of other) if (w.path === p) this.toolWrites.set(p, w.hash);
      }
    };
  }

  recover(label: string): Promise<FileChangeSet | undefined> {
    return this.inner.recover ? this.inner.recover(label) : Promise.resolve(undefined);
  }

  forget(label: string): Promise<void> {
    return this.inner.forget ? this.inner.forget(label) : Promise.resolve();
  }

  /** Disposes the shared capture: every session's (a waiting `begin()` then fails with DISPOSED). */
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/**
 * The changes without the sides another session wrote (`held`: the path holds what it wrote; null,
 * it deleted the file). A rename whose one end is held is split: the other end (a deletion or a
 * creation) is the command's own.
 */
function withoutHeld(changes: readonly FileChange[], held: (path: string, hash: string | null) => boolean): FileChange[] {
  const out: FileChange[] = [];
  for (const c of changes) {
    const to = held(c.path, c.after?.hash ?? null);
    if (c.kind !== 'renamed' || c.from === undefined) {
      if (!to) out.push(c);
      continue;
    }
    const from = held(c.from, null);
    const { from: oldPath, beforeBytes, afterBytes, ...rest } = c;
    if (to && !from) out.push({ ...rest, path: oldPath, kind: 'deleted', after: null, ...(beforeBytes ? { beforeBytes } : {}) });
    else if (from && !to) out.push({ ...rest, kind: 'created', before: null, ...(afterBytes ? { afterBytes } : {}) });
    else if (!to) out.push(c);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
