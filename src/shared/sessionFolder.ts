/**
 * Which workspace folder each session works in. Savepoint runs a session in the workspace's first
 * folder, and keeps only paths relative to it: in a workspace of several folders, a session started
 * in one and resumed after the folders were reordered (or its folder removed) would read, write and
 * rewind the same relative paths in another project. So the folder is recorded when a session starts
 * and checked before anything runs or writes for it. The editor gives the folders and the Memento.
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
 * Why the session recorded in `recorded` cannot run or rewind with the workspace's folders `open` now
 * (the first is where Savepoint works), or undefined when it can. A session with no record (started
 * before this was kept, or elsewhere) is not refused. With one folder open that is not the recorded
 * one, the project was moved or renamed (its sessions followed it): not refused either.
 */
export function folderProblem(recorded: FolderRef | undefined, open: readonly FolderRef[]): string | undefined {
  const first = open[0];
  if (!recorded || !first || first.uri === recorded.uri) return undefined;
  const at = open.findIndex((f) => f.uri === recorded.uri);
  if (at > 0) {
    return `this session worked in the folder "${recorded.name}", which is now folder ${at + 1} of this workspace, and Savepoint works in the first folder ("${first.name}"). Move "${recorded.name}" to the top of the workspace's folders (drag it in the Explorer), then try again.`;
  }
  if (open.length === 1) return undefined;
  return `this session worked in the folder "${recorded.name}" (${recorded.path}), which is not open in this workspace. Add it back as the workspace's first folder, then try again.`;
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

  /** The session works in the workspace's first folder (where it was just started or forked). */
  async record(id: string): Promise<void> {
    const first = this.open()[0];
    if (first) await this.memo.update(KEY, { ...this.all(), [id]: first });
  }

  async forget(id: string): Promise<void> {
    const { [id]: _gone, ...rest } = this.all();
    await this.memo.update(KEY, rest);
  }

  /** See `folderProblem`. */
  problem(id: string): string | undefined {
    return folderProblem(this.all()[id], this.open());
  }

  /** With several folders open, the one a new session works in; undefined with one (nothing to say). */
  namedFirst(): string | undefined {
    const open = this.open();
    return open.length > 1 ? open[0]?.name : undefined;
  }
}
