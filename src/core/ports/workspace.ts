/**
 * The agent's view of the user's files. Every path a caller passes is workspace-relative (`/` or the
 * platform separator; an absolute path is accepted only when it lies inside the root) and CONFINED:
 * a path that leaves the root lexically (`..`), or really (through a symlink, including a symlinked
 * parent directory), is refused with `WorkspaceError('OUTSIDE_WORKSPACE')` before anything is read
 * or written. Confinement is checked on each call; a symlink swapped in between the check and the
 * use (a race with another process) is not defended against.
 */

/** Stable codes of workspace failures the model can act on. Callers branch on these, never on text. */
export type WorkspaceErrorCode =
  /** The path leaves the workspace root, lexically or through a symlink. */
  | 'OUTSIDE_WORKSPACE'
  /** Empty, or contains a NUL byte. */
  | 'INVALID_PATH'
  | 'NOT_FOUND'
  /** A file operation was asked of a directory. */
  | 'IS_DIRECTORY'
  /** A directory operation was asked of a file, or a parent of the path is a file. */
  | 'NOT_DIRECTORY'
  /** A file's contents were asked of a pipe, a socket or a device. */
  | 'NOT_A_FILE';

export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';

  constructor(
    readonly code: WorkspaceErrorCode,
    /** The path as the caller gave it. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static is(e: unknown, code?: WorkspaceErrorCode): e is WorkspaceError {
    return e instanceof WorkspaceError && (code === undefined || e.code === code);
  }
}

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** A symlink on the way to a path (see `Workspace.linksOnWay`). */
export interface LinkOnWay {
  /** Workspace-relative, `/`-separated: the path itself, or a folder on its way. */
  path: string;
  /** The link's text. */
  to: string;
}

export interface FileStat {
  /** After following symlinks (a confined symlink to a file reports 'file'). */
  type: Exclude<EntryType, 'symlink'>;
  size: number;
  mtimeMs: number;
  /** A file with an execute bit (POSIX; never set on Windows). */
  executable?: true;
  /** A file's permission bits (POSIX; never set on Windows). */
  mode?: number;
}

export interface ListOptions {
  /** Descend into subdirectories (never through symlinks). Default false. */
  recursive?: boolean;
  /** Stop after this many entries and report `truncated`. Default 1000. */
  limit?: number;
  /** Apply `.gitignore` files (the root's, the listed directory's ancestors' and nested ones). Default true. */
  respectGitignore?: boolean;
}

export interface ListEntry {
  /** Workspace-relative, `/`-separated. */
  path: string;
  /** Symlinks are reported as such and not followed. */
  type: EntryType;
}

export interface ListResult {
  /** Directories before files at each level, each group sorted by name; depth-first. */
  entries: ListEntry[];
  /** More entries existed than `limit`. */
  truncated: boolean;
  /**
   * The listed directory is itself ignored by a `.gitignore` above it (a dependency's folder, a build
   * output): it was listed because it was named, with only the ignore files inside it applied.
   */
  ignoredDir?: true;
}

export interface FileChangeRequest {
  path: string;
  /** The new contents; null deletes the file. */
  bytes: Uint8Array | null;
  /**
   * A file this change creates gets execute bits where it has read bits (POSIX; ignored on Windows).
   * A file that exists keeps its mode either way.
   */
  executable?: boolean;
  /** A file that exists gets execute bits where it has read bits (true), or loses every execute bit (false); its other bits stay. */
  setExec?: boolean;
  /** A file this change creates gets exactly these permission bits (POSIX; ignored on Windows), before `executable`. */
  mode?: number;
  /**
   * The path becomes a symlink with this text (`bytes` must be null): made beside the entry and
   * renamed over it, so a link or file there is replaced, never written through.
   */
  link?: string;
  /**
   * The path is a symlink now, and the file written (`bytes`) replaces the link itself instead of
   * going where it leads; with `bytes` null, the link itself is removed. Either way the link may
   * lead anywhere, outside the workspace too: it is never followed, read nor written through.
   */
  replaceLink?: true;
  /**
   * The path is a folder now that holds nothing but files this same batch deletes (and folders they
   * leave empty): once they are deleted, the emptied folders are removed and the file takes the
   * path. Anything else found in the folder then keeps it, and this change is skipped (see
   * `StagedFiles.apply`): nothing of anyone's is removed with it.
   * Without it, a write under a file that the batch deletes (a folder that a file stands in for now)
   * is staged beside that file and made once it is deleted, the folders made on the way.
   */
  replaceDir?: true;
}

/** See `Workspace.notWritable`. */
export interface NotWritable {
  kind: 'file' | 'folder';
  path: string;
}

export interface StageOptions {
  /** Letters and digits naming the operation in its temporary files' names, for `removeStaged` after a crash. */
  tag?: string;
}

/** Asked right before each staged change is made (see `StagedFiles.apply`). */
export interface ApplyGuard {
  /** False: the target no longer holds what the caller expects, and this change is not made. */
  unchanged(path: string): Promise<boolean>;
}

/** Changes prepared by `Workspace.stageFiles`. */
export interface StagedFiles {
  /**
   * Makes the changes, once every temporary file is synced: each is renamed over its target (atomic
   * per file) and each deletion done, then their directories are synced, so every change is durable
   * when it resolves.
   * With a guard, each change is made only if the guard, asked just before, says its target is
   * unchanged; the others are dropped and returned in `skipped`, as is a `replaceDir` change whose
   * folder still holds something once the batch's deletions are done. On a failure the changes not made
   * are dropped (their temporary files removed) and the first error thrown. Once.
   */
  apply(guard?: ApplyGuard): Promise<{ skipped: string[] }>;
  /** Removes the temporary files; no change is made. Idempotent; nothing to do after `apply`. */
  discard(): Promise<void>;
  /** The topmost folder of each branch of folders the staging made for new files (workspace-relative; made even if discarded). */
  readonly madeDirs?: readonly string[];
}

export interface Workspace {
  /** Absolute path of the root directory (as configured, not necessarily its realpath). */
  readonly root: string;

  /**
   * The absolute real path `rel` designates (symlinks resolved as far as the path exists).
   * Pure with respect to the files: reads metadata only. Throws OUTSIDE_WORKSPACE, INVALID_PATH.
   */
  resolve(rel: string): Promise<string>;

  /**
   * Removes each folder of `rels` and the folders in it when they hold nothing but empty folders
   * (a rewind's undo takes back the folders the rewind made); one holding anything stays. Best effort.
   */
  pruneEmptyDirs?(rels: readonly string[]): Promise<void>;

  /**
   * Removes the folders on the way to `files` (a rewind just deleted them) that hold nothing now and
   * were born after `bornAfter` (ms since the epoch), deepest first: they were not there at the step
   * the rewind went back to. A folder whose birth the file system does not keep stays, and so does a
   * symlink. Returns the removed folders (workspace-relative). Best effort.
   */
  removeEmptiedDirs?(files: readonly string[], bornAfter: number): Promise<string[]>;

  /**
   * The file's bytes, or `undefined` when nothing exists at the path. Throws IS_DIRECTORY for a
   * directory, NOT_A_FILE for a pipe, socket or device (never waiting on one), plus the
   * confinement errors. Read-only.
   */
  readFile(rel: string): Promise<Uint8Array | undefined>;

  /**
   * Replaces the file's contents with `bytes`, creating missing parent directories.
   * Atomic: the bytes go to a temporary file in the same directory, which is then renamed over
   * the target, so a reader (or a crash) sees either the old or the new contents, never a mix.
   * An existing file keeps its permission bits. Writing through a confined symlink writes its
   * target. Idempotent: writing the same bytes twice leaves the same file.
   * Throws IS_DIRECTORY, NOT_DIRECTORY (a parent is a file), and the confinement errors.
   * `options.tag` names the temporary file, as for `stageFiles`: a crash before the rename leaves
   * it, and `removeStaged` with the same tag finds it.
   */
  writeFile(rel: string, bytes: Uint8Array, options?: StageOptions): Promise<void>;

  /**
   * Several `writeFile`s (bytes) and `deleteFile`s (null) on distinct paths: `stageFiles`, then
   * `apply`. If any change cannot be staged, none is made.
   */
  writeFiles(changes: readonly FileChangeRequest[]): Promise<void>;

  /**
   * Prepares several changes without making any: each new content goes to a temporary file beside
   * its target (missing parent directories are created for it), each deletion is checked. Resolves
   * once every temporary file is written; they may still be being synced then (the caller can go
   * on meanwhile), and `apply` makes no change before all are on disk, nor any if one cannot be
   * synced. No file the user has changes until `apply`. If
   * one change fails, what was staged is removed and the error thrown. Throws INVALID_PATH for a
   * path given twice, IS_DIRECTORY, NOT_DIRECTORY and the confinement errors.
   */
  stageFiles(changes: readonly FileChangeRequest[], options?: StageOptions): Promise<StagedFiles>;

  /**
   * Removes the temporary files a `stageFiles` with this tag left beside these paths (a crash between
   * the staging and its apply or discard). Never touches anything else. Returns how many it removed,
   * and how many it found but could not remove (held open elsewhere, no permission).
   */
  removeStaged(tag: string, paths: readonly string[]): Promise<{ removed: number; left: number }>;

  /**
   * Removes the file (a symlink itself, not its target). Returns whether something was removed.
   * Idempotent: deleting a missing file returns false. Throws IS_DIRECTORY for a directory.
   */
  deleteFile(rel: string): Promise<boolean>;

  /**
   * What would refuse a change at `rel` for lack of write permission, found before any is made: the
   * folder the change is made in (for a path whose folders are still to be made, the nearest one that
   * exists), or with `file`, the existing file itself when it is read-only. Paths are
   * workspace-relative (`/`-separated). `entry`: the change is to the entry itself (a deletion), not
   * where a symlink leads. Undefined: nothing refuses it. Reads metadata only; the answer can change
   * before the change is applied. Absent: not checked.
   */
  notWritable?(rel: string, options?: { entry?: boolean; file?: boolean }): Promise<NotWritable | undefined>;

  /** Metadata of what is at the path (symlinks followed), or `undefined` when nothing is. */
  stat(rel: string): Promise<FileStat | undefined>;

  /**
   * For each path, the first symlink on its way from the root: a folder on the way, or the entry
   * itself, with its text (not followed; it may point anywhere, or nowhere). `undefined` where there
   * is none (or nothing is there, or the path is not one of the workspace's). Reads metadata only.
   */
  linksOnWay(rels: readonly string[]): Promise<(LinkOnWay | undefined)[]>;

  /**
   * Whether a staged change may make a symlink (`FileChangeRequest.link`). False where making one
   * needs a privilege most users lack (Windows): a rewind then puts back the file a link led to, as
   * a copy, instead of failing. Absent: true.
   */
  canMakeLinks?(): boolean;

  /**
   * The entries under a directory. `.git` and `node_modules` are always skipped below it. A directory
   * that `.gitignore` files above it ignore is listed all the same (see `ListResult.ignoredDir`).
   * Throws NOT_FOUND, NOT_DIRECTORY, and the confinement errors. Read-only.
   */
  list(dir: string, options?: ListOptions): Promise<ListResult>;
}
