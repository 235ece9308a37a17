/** A workspace folder as the editor lists it: its name, and its URI's scheme (`file` on disk). */
export interface OpenFolder {
  name: string;
  scheme: string;
}

/**
 * Where a new session can work: the workspace's folders on disk (`file:`), in the workspace's
 * order. The agent reads, writes and runs its commands with the machine's file system and
 * processes, so a virtual folder (vscode-vfs, memfs, a repository opened without a clone) is no
 * place for it, though it is open. `refusal`: why no folder can be offered, in words for the user;
 * `leftOut`: a note naming the open folders not offered (for the question that picks one).
 */
export function newSessionFolders<F extends OpenFolder>(open: readonly F[]): { usable: F[]; refusal?: string; leftOut?: string } {
  const usable = open.filter((f) => f.scheme === 'file');
  const virtual = open.filter((f) => f.scheme !== 'file');
  if (!open.length) return { usable, refusal: 'Open a folder first: the agent works inside a workspace folder.' };
  if (!usable.length) {
    const named = virtual.length === 1 ? `the folder ${JSON.stringify(virtual[0]!.name)} is not on disk (${virtual[0]!.scheme})` : `the folders ${listed(virtual.map((f) => `${JSON.stringify(f.name)} (${f.scheme})`))} are not on disk`;
    return { usable, refusal: `Savepoint works only on folders on disk, and ${named}. Open a folder on disk, such as a local clone, to start a session there.` };
  }
  if (!virtual.length) return { usable };
  return { usable, leftOut: `Not offered: ${listed(virtual.map((f) => JSON.stringify(f.name)))}, which ${virtual.length === 1 ? 'is' : 'are'} not on disk.` };
}

const listed = (items: readonly string[]): string => (items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
