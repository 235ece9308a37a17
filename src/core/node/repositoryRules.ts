import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { GitContents } from './gitContents';
import { loadGitignore, loadIgnoreFile, type Matcher } from './gitignoreWalk';

/**
 * Where the ignore rules that apply from the workspace root come from. Found by
 * `findRootRuleSources`, read by `readRootRules`: a caller that must notice a change stamps
 * `files` in between, so that a change made while the rules are read is seen on its next look.
 */
export interface RootRuleSources {
  rootReal: string;
  /**
   * The repository holding the root, undefined outside one: its working tree's top (the root
   * itself, or an enclosing folder when the workspace is a folder of the repository) and its
   * `info/exclude`, the user's own ignore file (`core.excludesFile`, which git applies in every
   * repository), and the index of the working tree (what git tracks).
   */
  repository: { top: string; exclude: string; excludesFile: string; index: string } | undefined;
  /**
   * Every file outside the workspace's own tree whose change alters the rules: the `info/exclude`, the user's ignore file,
   * `<root>/.git` when the root has none (a repository made there later), and the `.gitignore` of each folder
   * from the repository's top down to the root's parent. The root's own `.gitignore` is a
   * workspace file, seen as one.
   */
  files: string[];
}

/**
 * The repository of the workspace root: `<root>/.git`, else the nearest enclosing folder's `.git`,
 * as git finds it (the walk stops at the first `.git` there is, or at the filesystem's root). A
 * `.git` directory is the repository; a `.git` file's `gitdir:` line points to it (a worktree or a
 * submodule), and then `commondir` holds `info/` for a worktree. A `.git` that is a link to the
 * repository is followed, as git does. Nothing is written anywhere.
 */
export async function findRootRuleSources(root: string): Promise<RootRuleSources> {
  // Folders above are those of the real path, as git's own search sees them.
  const rootReal = await realpath(root).catch(() => root);
  const own = path.join(rootReal, '.git');
  for (let dir = rootReal; ; ) {
    const found = await gitDirAt(dir);
    if (found === 'invalid') break;
    if (found !== undefined) {
      const [exclude, excludesFile] = await Promise.all([infoExcludeOf(found), new GitContents(rootReal).excludesFile()]);
      const above = foldersAbove(dir, rootReal).map((d) => path.join(d, '.gitignore'));
      // `<root>/.git` only when it is absent: git writes in its own directory all the time.
      const repository = { top: dir, exclude, excludesFile, index: path.join(found, 'index') };
      return { rootReal, repository, files: dir === rootReal ? [exclude, excludesFile] : [own, exclude, excludesFile, ...above] };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Outside a repository: a repository made later in the root is noticed (not one made above it).
  return { rootReal, repository: undefined, files: [own] };
}

/**
 * The rules that apply from the workspace root, outermost (weakest) first: the user's ignore file
 * (`core.excludesFile`), the repository's `info/exclude`, the `.gitignore` files from the repository's top down to the root's parent
 * (each matching under its `prefix`), then the root's own `.gitignore`. Unreadable files count as
 * absent, as in git. When the repository's rules ignore the root folder itself, git would ignore
 * the whole workspace; the rules above the root are then left out instead, so that what is in the
 * workspace the user opened is still taken for what it is.
 */
export async function readRootRules(sources: RootRuleSources): Promise<Matcher[]> {
  const { rootReal, repository } = sources;
  const own = await loadGitignore(rootReal, '');
  const above: Matcher[] = [];
  if (repository) {
    const [exclude, global] = await Promise.all([loadIgnoreFile(repository.exclude, ''), loadIgnoreFile(repository.excludesFile, '')]);
    const levels: Level[] = [];
    for (const dir of foldersAbove(repository.top, rootReal)) {
      const m = await loadGitignore(dir, '');
      if (m) levels.push({ dir, m });
    }
    if (!rootIgnored([exclude, global], levels, repository.top, rootReal)) {
      if (global) above.push({ ...global, prefix: prefixFrom(repository.top, rootReal) });
      if (exclude) above.push({ ...exclude, prefix: prefixFrom(repository.top, rootReal) });
      for (const { dir, m } of levels) above.push({ ...m, prefix: prefixFrom(dir, rootReal) });
    }
  }
  return own ? [...above, own] : above;
}

/** The rules that apply from the workspace root (`readRootRules` of `findRootRuleSources`). */
export async function loadRootRules(rootReal: string): Promise<Matcher[]> {
  return readRootRules(await findRootRuleSources(rootReal));
}

/** The git directory `<dir>/.git` names; undefined when there is none; 'invalid' for a `.git` git would refuse. */
async function gitDirAt(dir: string): Promise<string | 'invalid' | undefined> {
  const dotGit = path.join(dir, '.git');
  const st = await stat(dotGit).catch(() => undefined);
  if (st?.isDirectory()) return dotGit;
  if (!st) return undefined;
  if (!st.isFile()) return 'invalid';
  const line = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8').catch(() => ''));
  return line ? path.resolve(dir, line[1] as string) : 'invalid';
}

async function infoExcludeOf(gitDir: string): Promise<string> {
  const common = (await readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => undefined))?.trim();
  return path.join(common ? path.resolve(gitDir, common) : gitDir, 'info', 'exclude');
}

/** The folders from `top` down to the parent of `rootReal` (none when they are the same), outermost first. */
function foldersAbove(top: string, rootReal: string): string[] {
  const out: string[] = [];
  for (let dir = path.dirname(rootReal); dir !== rootReal && isWithin(top, dir); dir = path.dirname(dir)) {
    out.unshift(dir);
    if (dir === top) break;
  }
  return out;
}

const isWithin = (top: string, dir: string) => dir === top || dir.startsWith(top.endsWith(path.sep) ? top : `${top}${path.sep}`);

/** `rootReal` relative to `dir` (itself or an ancestor), with '/' separators and a trailing '/' ('' for itself). */
function prefixFrom(dir: string, rootReal: string): string {
  const rel = path.relative(dir, rootReal);
  return rel === '' ? '' : `${rel.split(path.sep).join('/')}/`;
}

/** A `.gitignore` above the workspace root, with its folder. */
interface Level {
  dir: string;
  m: Matcher;
}

/**
 * Whether git takes the root folder, or a folder on the way to it, for ignored: each folder below
 * the top, outermost first, is tested against the `.gitignore` files of the folders above it (the
 * deepest with an opinion wins), then against info/exclude, then the user's ignore file, as git
 * does before it looks inside.
 */
function rootIgnored(repositoryWide: readonly (Matcher | undefined)[], levels: readonly Level[], top: string, rootReal: string): boolean {
  const folders = top === rootReal ? [] : [...foldersAbove(top, rootReal).slice(1), rootReal];
  for (const folder of folders) {
    let verdict: { ignored: boolean; unignored: boolean } = { ignored: false, unignored: false };
    for (let i = levels.length - 1; i >= 0 && !verdict.ignored && !verdict.unignored; i--) {
      const { dir, m } = levels[i] as Level;
      if (isWithin(dir, folder) && dir !== folder) verdict = m.ig.test(prefixFrom(dir, folder));
    }
    for (const m of repositoryWide) if (!verdict.ignored && !verdict.unignored && m) verdict = m.ig.test(prefixFrom(top, folder));
    if (verdict.ignored) return true;
  }
  return false;
}
