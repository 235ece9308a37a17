import { CommandTurns } from './commandTurns';
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
 * begins before its release (a rewind's renames may land after a command began). A save in the
 * editor meanwhile is the user's, told by the editor (`userSaving`), and left out the same way; a
 * file another program changes is still the command's (nothing tells them apart on disk).
 */
export class SerialCapture implements ChangeCapture {
  private readonly releases = new Map<number, () => void>();
  /** While a capture is open: the files written meanwhile by other sessions, with what they wrote. */
  private toolWrites: Map<string, string | null> | undefined;
  /** Writes held now (not yet released). */
  private readonly holds = new Set<readonly HeldWrite[]>();
  /** Saves in the editor under way (`userSaving`): each settles when its hash is known, or after SAVE_WAIT_MS. */
  private readonly saving = new Set<Promise<void>>();

  constructor(
    private readonly inner: ChangeCapture,
    /** The folder's queue (shared with folders inside it or around it: FolderTurns). */
    private readonly turns = new CommandTurns(),
  ) {}

  /** How many commands and checks wait now for another's turn to end. */
  get queued(): number {
    return this.turns.queued;
  }

  async begin(label?: string, signal?: AbortSignal, waits?: (behind: string | undefined, ahead: number) => void): Promise<CaptureMark> {
    const release = await this.turns.take(signal, label, waits);
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

  /**
   * Runs `run` in its turn: once no command of any session runs in the folder, and none begins
   * until it ends. A check command runs so: what it writes (a tsbuildinfo, a coverage folder) is no
   * command's change (the next capture folds it into its index). Aborted while waiting: throws its
   * reason, and `run` is not run.
   */
  async inTurn<T>(run: () => Promise<T>, signal?: AbortSignal, waits?: (behind: string | undefined, ahead: number) => void): Promise<T> {
    const release = await this.turns.take(signal, undefined, waits);
    try {
      return await run();
    } finally {
      release();
    }
  }

  async end(mark: CaptureMark): Promise<FileChangeSet> {
    try {
      const set = await this.inner.end(mark);
      // A save that reached the disk while the command ran is known by its hash only once the editor says it is done.
      if (this.saving.size) await Promise.all([...this.saving]);
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

  /**
   * The user is saving `path` in the editor, or creating, deleting or moving it there (before the
   * write reaches the disk). Returns its settle, to call with the hash of what was written (null: the
   * file is gone; undefined: not known, the save failed). A save that
   * lands while a command's capture is open is the user's typing, not the command's work: it is left
   * out of the command's changes when the file still holds it (as a held write is), so a rewind of
   * that session never takes it back as the session's own. The end of a capture waits for saves
   * under way, at most SAVE_WAIT_MS each.
   */
  userSaving(path: string): (hash: string | null | undefined) => void {
    let done!: () => void;
    const pending = new Promise<void>((r) => (done = r));
    const timer = setTimeout(() => finish(), SAVE_WAIT_MS);
    const finish = () => {
      clearTimeout(timer);
      this.saving.delete(pending);
      done();
    };
    this.saving.add(pending);
    return (hash) => {
      if (!this.saving.has(pending)) return;
      if (hash !== undefined && this.toolWrites) {
        this.toolWrites.set(path, hash);
        this.inner.noteHeld?.([{ path, hash }]);
      }
      finish();
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

/** How long the end of a capture waits for the editor to say a save under way is done (a save that failed never says). */
export const SAVE_WAIT_MS = 5000;

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
