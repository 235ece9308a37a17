import { posix } from 'node:path';
import type { LinkOnWay, Workspace } from '../ports/workspace';
import type { FileHistory } from './fileHistory';
import { keptWords, ownLinkKeptWords } from './planText';

/** The fields of a planned file this reads (a `RewindFilePlan`). */
interface PlannedFile {
  path: string;
  action: 'restore' | 'delete' | 'create' | 'none';
  fromHash: string | null;
  toHash: string | null;
  link?: LinkOnWay;
  keptFor?: KeptForMove;
  movedFrom?: string;
  fromLink?: string;
  conflict: boolean;
}

/** Why a deletion is left out: the path the move would bring the file back to, and the link in the way there. */
export interface KeptForMove {
  path: string;
  link: LinkOnWay;
}

/**
 * The deletions a rewind to `step` must leave out: a rewind takes a move back (`mv src src2`) by
 * making the old path again and deleting the new one. Where a symlink blocks the old path (`ln -s
 * src2 src` after the move), making it is left out, and deleting the new path would leave no copy of
 * the file on disk: that half is kept too. Moves chain (`mv a b && mv b c`): the paths of one
 * chain after the target step are one file's (`find`, its root). Returns, per path to keep, the
 * blocked path of its chain.
 */
function keptForMoves(find: (path: string) => string, files: readonly PlannedFile[]): Map<string, KeptForMove> {
  const blocked = new Map<string, KeptForMove>();
  // Where a blocked path leads through its link: the same file (a folder moved and its files edited, `mv src lib && sed -i … lib/a.ts && ln -s lib src`, pairs no move).
  const through = new Map<string, KeptForMove>();
  for (const f of files) {
    if (f.link === undefined || f.toHash === null || f.action === 'none') continue;
    if (!blocked.has(find(f.path))) blocked.set(find(f.path), { path: f.path, link: f.link });
    const alias = resolvedThrough(f.path, f.link);
    if (alias !== undefined && !through.has(alias)) through.set(alias, { path: f.path, link: f.link });
  }
  const out = new Map<string, KeptForMove>();
  for (const f of files) {
    const by = f.action === 'delete' && f.link === undefined ? (blocked.get(find(f.path)) ?? through.get(f.path)) : undefined;
    if (by !== undefined) out.set(f.path, by);
  }
  return out;
}

/** The moves after `step` as chains (`mv a b && mv b c`): the paths of one chain have one root. */
function moveChains(history: FileHistory, step: number): (path: string) => string {
  const root = new Map<string, string>();
  const find = (p: string): string => {
    const r = root.get(p);
    if (r === undefined || r === p) return p;
    const top = find(r);
    root.set(p, top);
    return top;
  };
  for (const t of history.touches) {
    if (t.step > step && t.outcome === 'applied' && t.movedTo !== undefined) root.set(find(t.path), find(t.movedTo));
  }
  return find;
}

/**
 * A symlink of the session's own (one a command made, `ln -s src2 src`) that other files of the
 * rewind are on the way through (src/a.ts, to come back under a folder src) is left as it is, like
 * any link in the way: removing it and making the folder in one rewind would need the link gone
 * before the files are staged. The files stay reachable through it; once the user removes it, a
 * rewind takes the rest back. Its preview says so.
 */
function keepLinksInTheWay(files: PlannedFile[]): void {
  for (const f of files) {
    const to = f.fromLink;
    const under = to === undefined || f.action === 'none' ? undefined : files.find((g) => g !== f && g.action !== 'none' && g.link?.path === f.path);
    if (to === undefined || under === undefined) continue;
    f.link = { path: f.path, to };
    f.conflict = false;
    delete f.fromLink;
    Object.defineProperty(f, 'diff', { enumerable: true, value: `${ownLinkKeptWords(f.path, to, under.path)}\n` });
    Object.defineProperty(f, 'symbols', { enumerable: true, value: [] });
  }
}

/** The workspace path `p` leads to through `link` (a folder on its way, or itself); undefined when outside the workspace. */
function resolvedThrough(p: string, link: LinkOnWay): string | undefined {
  if (link.to.startsWith('/') || /^[A-Za-z]:/.test(link.to)) return undefined;
  const rest = p.slice(link.path.length);
  const parent = link.path.includes('/') ? link.path.slice(0, link.path.lastIndexOf('/')) : '';
  const joined = posix.normalize(posix.join(parent, link.to.replace(/\\/g, '/')) + rest);
  return joined === '..' || joined.startsWith('../') || joined === '.' ? undefined : joined;
}

/**
 * Marks the deletions `keptForMoves` finds (`RewindFilePlan.keptFor`): the apply leaves them alone,
 * and their preview says why instead of showing the deletion (`diff` and `symbols` are the plan's
 * lazy, configurable getters).
 */
export function keepBlockedMoves(history: FileHistory, step: number, files: PlannedFile[]): void {
  keepLinksInTheWay(files);
  // The deletions that take a move back name the path the file goes back to (`RewindFilePlan.movedFrom`).
  const find = moveChains(history, step);
  const back = new Map(files.filter((f) => f.toHash !== null && f.action !== 'none').map((f) => [find(f.path), f.path]));
  for (const f of files) {
    const to = f.action === 'delete' ? back.get(find(f.path)) : undefined;
    if (to !== undefined && to !== f.path) f.movedFrom = to;
  }
  const kept = keptForMoves(find, files);
  for (const f of files) {
    const k = kept.get(f.path);
    if (k === undefined) continue;
    f.keptFor = k;
    Object.defineProperty(f, 'diff', { enumerable: true, value: `${keptWords(f.path, k)}\n` });
    Object.defineProperty(f, 'symbols', { enumerable: true, value: [] });
  }
}

/**
 * On a file system that ignores case (macOS, Windows), `Readme.md` and `README.md` are one file: a
 * rewind of `mv Readme.md README.md` finds Readme.md holding what it should (it reads README.md) and
 * would delete README.md, the file itself. That deletion is left out, and its preview says why: the
 * file stays, under the name it has. Two of the plan's names are one file when they differ only in
 * case, the disk holds the same contents at both, and their folder lists only the one to delete.
 */
export async function keepCaseTwins(workspace: Workspace, files: PlannedFile[]): Promise<void> {
  for (const f of files) {
    if (f.action !== 'delete' || f.link !== undefined || f.keptFor !== undefined || f.fromHash === null) continue;
    const twin = files.find((g) => g !== f && g.toHash !== null && g.link === undefined && g.fromHash === f.fromHash && g.path.toLowerCase() === f.path.toLowerCase());
    if (!twin) continue;
    const dir = posix.dirname(twin.path);
    const listed = await workspace.list(dir, { respectGitignore: false, limit: 100_000 }).catch(() => undefined);
    if (listed && !listed.truncated && listed.entries.some((e) => e.path === twin.path || e.path === `./${twin.path}`)) continue;
    f.action = 'none';
    f.conflict = false;
    delete f.movedFrom;
    Object.defineProperty(f, 'diff', { enumerable: true, value: `${f.path} is kept: on this file system it is the same file as ${twin.path} (the names differ only in case), which the rewind brings back; deleting ${f.path} would delete it too. Rename the file by hand if its old name matters\n` });
    Object.defineProperty(f, 'symbols', { enumerable: true, value: [] });
  }
}
