/**
 * Which workspace folder each session works in. A session keeps only paths relative to its folder:
 * in a workspace of several folders, a session resumed in another folder would read, write and rewind
 * the same relative paths in another project. So the folder is chosen when a session starts (the
 * user picks one when several are open), recorded, and every later run, rewind, undo and fork of the
 * session works in it again, wherever it now is among the workspace's folders. The editor gives the
 * folders and the Memento.
 */

/** A workspace folder as the host names it. */
export interface FolderRef {
  /** The folder's URI, as a string: what identifies it. */
  uri: string;
  name: string;
  /** Its path on disk, for the message. */
  path: string;
}

/** Where the records are kept (the workspace's Memento in the editor). */
export interface FolderMemo {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY = 'savepoint.sessionFolders';

/**
 * The folder a session recorded in `recorded` works in among the folders `open` now, or why it has
 * none. Its own folder, wherever it is in the list. A session with no record (started before this
 * was kept, or elsewhere) works in the first folder, as Savepoint did then. With one folder open
 * that is not the recorded one, the project was moved or renamed (its sessions followed it): that
 * one. With several open and its own not among them, none: a message saying which to add back.
 */
export function folderFor(recorded: FolderRef | undefined, open: readonly FolderRef[]): { folder: FolderRef } | { problem: string } {
  const first = open[0];
  if (!first) return { problem: 'Open the folder the session worked in first: it reads and writes its files there.' };
  if (!recorded) return { folder: first };
  const own = open.find((f) => f.uri === recorded.uri);
  if (own) return { folder: own };
  if (open.length === 1) return { folder: first };
  return { problem: `this session worked in the folder "${recorded.name}" (${recorded.path}), which is not open in this workspace. Add it back to the workspace (File: Add Folder to Workspace), then try again.` };
}

/** Why the session recorded in `recorded` cannot run or rewind with the folders `open` now; undefined when it can (`folderFor`). */
export function folderProblem(recorded: FolderRef | undefined, open: readonly FolderRef[]): string | undefined {
  const r = folderFor(recorded, open);
  return 'problem' in r ? r.problem : undefined;
}

/** The records, by session id. */
export class SessionFolders {
  constructor(
    private readonly memo: FolderMemo,
    private readonly open: () => FolderRef[],
  ) {}

  private all(): Record<string, FolderRef> {
    return this.memo.get<Record<string, FolderRef>>(KEY) ?? {};
  }

  /** The session works in `folder` (where it was just started, forked or rewound into a fork); by default the workspace's first. */
  async record(id: string, folder: FolderRef | undefined = this.open()[0]): Promise<void> {
    if (folder) await this.memo.update(KEY, { ...this.all(), [id]: folder });
  }

  /** A new session `id` made from `parent` (a fork) works where the parent did. */
  async inherit(id: string, parent: string): Promise<void> {
    const r = folderFor(this.all()[parent], this.open());
    await this.record(id, 'folder' in r ? r.folder : this.all()[parent]);
  }

  async forget(id: string): Promise<void> {
    const { [id]: _gone, ...rest } = this.all();
    await this.memo.update(KEY, rest);
  }

  /** The folder the session works in now (`folderFor`); throws with the reason when it has none. */
  folderOf(id: string): FolderRef {
    const r = folderFor(this.all()[id], this.open());
    if ('problem' in r) throw new FolderMissing(r.problem, this.all()[id]);
    return r.folder;
  }

  /** See `folderProblem`. */
  problem(id: string): string | undefined {
    return folderProblem(this.all()[id], this.open());
  }

  /**
   * With several folders open, the name of the one the session works in for the session list (the
   * folder it was recorded in, marked when it is not open); undefined with one folder (nothing to tell apart).
   */
  nameOf(id: string): string | undefined {
    const open = this.open();
    if (open.length < 2) return undefined;
    const r = folderFor(this.all()[id], open);
    return 'folder' in r ? r.folder.name : `${this.all()[id]?.name ?? 'its folder'} (not open)`;
  }

  /** The folders open now, in the workspace's order. */
  folders(): FolderRef[] {
    return this.open();
  }
}

/** The session's folder is not open: the message says which one to add back; `folder`, the one it worked in (when recorded). */
export class FolderMissing extends Error {
  constructor(
    message: string,
    readonly folder?: FolderRef,
  ) {
    super(message);
  }
}
