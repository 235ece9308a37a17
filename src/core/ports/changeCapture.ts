/**
 * Capture of every file change a step makes, whoever makes it: the agent's own tools, a command it
 * runs (formatters, generators, `npm install`, `sed -i`), or anything else writing in the workspace
 * between `begin()` and `end()`. The capture only ever READS the workspace: it never writes a file in
 * it, never looks inside `.git` and never runs git.
 *
 * Paths are workspace-relative and `/`-separated. Excluded, and so never reported nor hashed: any
 * path with a `.git` segment, the configured directory names (`node_modules` by default), paths
 * matched by the `.gitignore` files, and the user's ignore globs (`savepoint.ignore`). Regular files
 * and symlinks are tracked. A symlink is tracked as an entry of its own (its text, `FileVersion.link`):
 * it is never followed, neither to read what it leads to nor into a linked folder.
 */

/** Lowercase hex sha-256 of a file's bytes: the same value the checkpoint store uses as a blob hash. */
export type ContentHash = string;

/** One version of a file. */
export interface FileVersion {
  hash: ContentHash;
  size: number;
  /** An execute bit is set (POSIX): a rewind that re-creates this version sets it again. Absent: not executable, or unknown. */
  exec?: true;
  /**
   * The permission bits (POSIX, `mode & 0o7777`), as the capture last read them; absent on Windows.
   * Journaled for the side that a deletion or a move removes: a rewind that re-creates that file
   * gives them back (a private 0600 file is not re-created readable by everyone).
   */
  mode?: number;
  /**
   * This side is a symlink with this text (its target, as `readlink` gives it, never followed):
   * `hash` is then `linkHash(link)` and `size` the text's length in bytes; it has no bytes, no
   * execute bit and no mode.
   */
  link?: string;
}

export type ChangeKind = 'created' | 'modified' | 'deleted' | 'renamed';

export interface FileChange {
  /** The path after the step (for 'deleted', the path the file had). */
  path: string;
  kind: ChangeKind;
  /** 'renamed' only: the path before. A rename is a deletion and a creation of the same non-empty content within one capture. */
  from?: string;
  /** null for 'created'. */
  before: FileVersion | null;
  /** null for 'deleted'. */
  after: FileVersion | null;
  /**
   * The old bytes, when that side is a file (text or binary) within the size limit AND its content is still
   * known (the baseline kept it in the `ContentStore`, or an earlier capture saw it). Absent
   * otherwise: then only `before.hash` is known.
   */
  beforeBytes?: Uint8Array;
  /** The new bytes, when that side is a text file within the size limit. */
  afterBytes?: Uint8Array;
  /**
   * Either side contains a NUL byte in its first 8,000 bytes (git's test): never shown as a diff, and
   * the new side is recorded by hash and size only; the old side's bytes are in `beforeBytes` as for
   * text, so that a rewind can restore it.
   */
  binary: boolean;
  /** Either side is larger than the size limit: that side is recorded by hash and size only. */
  tooLarge: boolean;
  /**
   * A text file within the size limit whose new bytes the capture did not keep: the step changed more
   * than its budget for text (`textBytesPerCapture`). The new side is recorded by hash and size only.
   */
  afterUnkept?: true;
}

/** How `end()` found the candidates. */
export type CaptureMethod =
  /** Only the paths the file watcher reported (plus new directories' contents) were examined. */
  | 'watch'
  /** Every tracked file was stat-ed and compared with the index (the watcher is unavailable or overflowed). */
  | 'sweep';

export interface FileChangeSet {
  /** Sorted by path; at most one entry per path. */
  changes: FileChange[];
  method: CaptureMethod;
  /** Paths stat-ed while capturing. */
  examined: number;
  /** Files read and hashed while capturing. */
  hashed: number;
  /**
   * Entries changed (or, when sweeping, first found) whose names are not valid UTF-8, each byte that is
   * not shown as U+FFFD: no path reaches them, so they are not in `changes`, and a rewind cannot
   * restore or remove them. Absent when there are none.
   */
  unnamed?: string[];
}

/** Opaque token of an open capture. */
export interface CaptureMark {
  readonly id: number;
  /** Date.now() when the capture began. */
  readonly startedAt: number;
}

/** Stable codes of capture failures. Callers branch on these, never on text. */
export type CaptureErrorCode =
  /** `begin()` while a capture is open, or `end()` with a mark that is not the open one. */
  | 'NOT_OPEN'
  | 'ALREADY_OPEN'
  /** Used after `dispose()`. */
  | 'DISPOSED';

export class CaptureError extends Error {
  override readonly name = 'CaptureError';

  constructor(
    readonly code: CaptureErrorCode,
    message: string,
  ) {
    super(message);
  }

  static is(e: unknown, code?: CaptureErrorCode): e is CaptureError {
    return e instanceof CaptureError && (code === undefined || e.code === code);
  }
}

export interface ContentEntry {
  hash: ContentHash;
  bytes: Uint8Array;
  /**
   * These very bytes are in the workspace's git repository (its index): a bounded cache drops
   * them before any contents git could not give back. Keeping the same bytes again without the
   * flag clears it.
   */
  spare?: boolean;
  /**
   * The bytes of a binary file: a bounded cache drops them before anything else, so that a
   * workspace's assets never push its sources out (their old bytes give the diffs).
   */
  binary?: boolean;
}

/**
 * Where the capture keeps file contents by hash, so that it can give the old bytes of a file a
 * command modified or deleted. The extension and the CLI use a bounded in-memory cache
 * (MemoryContentStore, 128 MB): the baseline of a large workspace is not copied into the store.
 * When full, the cache drops first the contents git's index holds too (`spare`), so that what only
 * the cache has (unsaved and untracked work) stays. A file whose old contents were dropped from the
 * cache is looked for in the workspace's git
 * repository (NodeChangeCapture's `gitContents`: index or HEAD, by hash); if git does not have that
 * version either, it is recorded by its hashes only (its rewind reports it as not restorable).
 * CheckpointContentStore keeps them durably as blobs instead.
 */
export interface ContentStore {
  /** Keeps the contents under their hashes. Idempotent. A cache may drop entries later. */
  put(entries: readonly ContentEntry[]): Promise<void>;
  /** The contents, or undefined when the store does not have them. Read-only. */
  get(hash: ContentHash): Promise<Uint8Array | undefined>;
}

/**
 * Captures the changes made between `begin()` and `end()`. One capture is open at a time.
 *
 * An implementation keeps an index (path -> size, times, inode, hash) built once in the background,
 * and must not scan the whole tree per capture when it can avoid it.
 */
export interface ChangeCapture {
  /**
   * Opens a capture. Waits for the baseline index if it is still being built (so the first call may
   * take as long as the remaining baseline). Changes made since the previous `end()` (by the user,
   * between steps) are folded into the index here and are NOT reported by the next `end()`.
   * Throws ALREADY_OPEN if a capture is open, DISPOSED after `dispose()`.
   *
   * `label` names what runs inside (a session's call): an implementation that keeps its index on
   * disk makes it durable under that label before returning, so that `recover(label)` can find what
   * the call changed if the process dies before `end()`.
   *
   * `signal`: a capture that waits for its turn (SerialCapture: another session's command runs)
   * stops waiting when it is aborted, and throws its reason (nothing is opened). `waits`: told
   * before such a wait, with the label of the capture open now (undefined: not known, or a check) and
   * how many more wait ahead of it.
   */
  begin(label?: string, signal?: AbortSignal, waits?: (behind: string | undefined, ahead: number) => void): Promise<CaptureMark>;

  /**
   * Closes the capture and returns every change since `begin()`: the net effect per path (a file
   * created and deleted within the capture is not reported; one modified and restored is not
   * either). Postcondition: the index holds the current state, so the next capture reports only
   * its own changes. Contents of changed files within the size limit are put in the
   * `ContentStore`. Throws NOT_OPEN for a mark that is not the open capture's.
   */
  end(mark: CaptureMark): Promise<FileChangeSet>;

  /** Stops watching and the baseline. Idempotent. */
  dispose(): Promise<void>;

  /**
   * A file tool, a rewind or an undo is about to write these files (the hash of what it writes;
   * null: it deletes the file). Such writes are journaled by their own session; a capture open while
   * they are held (another session's command: open already, or begun before the release) leaves them
   * out, unless the file changed again after. Returns the release, to call once the writes are done,
   * with the paths it did not write after all (those are not left out: a change there is not theirs).
   * Optional: a capture used by one session at a time needs no notes.
   */
  holdWrites?(writes: readonly HeldWrite[]): (notWritten?: readonly string[]) => void;

  /**
   * What the capture begun with `label` changed, when the process that began it died before its
   * changes were recorded: its index at `begin()` against the disk now. What changed after the crash
   * (before this call) is among it. Undefined when nothing durable is known of that label. Optional.
   */
  recover?(label: string): Promise<FileChangeSet | undefined>;

  /**
   * Writes another session holds while the open capture runs (SerialCapture tells the capture behind
   * it): kept with what `recover` reads, so that a crash does not turn them into the command's. Optional.
   */
  noteHeld?(writes: readonly HeldWrite[]): void;

  /**
   * Runs `run` when no capture is open, and opens none until it ends (SerialCapture: in the
   * folder's turn, after the commands asked for before it): what it writes is then no command's
   * change. A check command runs so. `signal` stops the wait (its reason thrown, `run` not run). Optional.
   */
  inTurn?<T>(run: () => Promise<T>, signal?: AbortSignal, waits?: (behind: string | undefined, ahead: number) => void): Promise<T>;

  /** The changes of `label` are recorded: what was kept on disk for `recover` can go. Optional. */
  forget?(label: string): Promise<void>;
}

/**
 * Told when a command or a check has to wait for its turn in the folder (`behind`: the label of the
 * capture open then, undefined when not known or a check; `ahead`: how many more wait before it), and
 * when it then gets it, before it runs.
 */
export interface TurnWatch {
  waiting(behind: string | undefined, ahead?: number): void | Promise<void>;
  running(): void | Promise<void>;
}

/** A write about to happen (see ChangeCapture.holdWrites). */
export interface HeldWrite {
  path: string;
  hash: ContentHash | null;
}
