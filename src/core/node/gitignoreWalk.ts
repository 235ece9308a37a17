import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import type { EntryType, ListEntry, ListResult } from '../ports/workspace';

/** Never listed, whatever the .gitignore files say. */
const ALWAYS_SKIPPED: ReadonlySet<string> = new Set(['.git', 'node_modules']);

export interface Matcher {
  /** Workspace-relative directory of the .gitignore ('' for the root). */
  base: string;
  ig: ignore.Ignore;
  /**
   * For an ignore file above the workspace root (an enclosing repository's): the path from its
   * directory down to the root, with a trailing '/'. Paths are tested under it, so the patterns
   * (anchored, with a slash inside, `**`, negations) match exactly what git matches.
   */
  prefix?: string;
}

/**
 * The rules of `<dirReal>/.gitignore` (a regular file only: a symlinked one is not followed). An
 * unreadable one is treated as absent, as git does, rather than failing the listing.
 */
export async function loadGitignore(dirReal: string, base: string): Promise<Matcher | undefined> {
  const file = path.join(dirReal, '.gitignore');
  const st = await lstat(file).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  return loadIgnoreFile(file, base);
}

/** The rules of an ignore file, applying below `base`; undefined when it cannot be read. */
export async function loadIgnoreFile(file: string, base: string): Promise<Matcher | undefined> {
  const rules = await readFile(file, 'utf8').catch(() => undefined);
  return rules === undefined ? undefined : { base, ig: ignore().add(rules) };
}

/** Deepest .gitignore with an opinion wins, as in git (the repository's info/exclude comes below them all). */
export function isIgnored(matchers: readonly Matcher[], rel: string, isDir: boolean): boolean {
  for (let i = matchers.length - 1; i >= 0; i--) {
    const m = matchers[i] as Matcher;
    if (m.base !== '' && !rel.startsWith(`${m.base}/`)) continue;
    const sub = (m.prefix ?? '') + (m.base === '' ? rel : rel.slice(m.base.length + 1));
    const verdict = m.ig.test(isDir ? `${sub}/` : sub);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

function typeOf(d: Dirent): EntryType {
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isDirectory()) return 'directory';
  if (d.isFile()) return 'file';
  return 'other';
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The entries of a directory, directories first (as the port promises), each group by name. A
 * subdirectory that cannot be read (no permission, removed meanwhile) is listed as empty; only
 * the listed directory itself must be readable.
 */
async function readChildren(real: string, isTop: boolean): Promise<Dirent[]> {
  let children: Dirent[];
  try {
    children = await readdir(real, { withFileTypes: true });
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    if (!isTop && (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'ENOTDIR')) return [];
    throw e;
  }
  const dirs = children.filter((d) => d.isDirectory()).sort(byName);
  const rest = children.filter((d) => !d.isDirectory()).sort(byName);
  return [...dirs, ...rest];
}

export interface WalkOptions {
  recursive: boolean;
  limit: number;
  /** Matchers of the listed directory's ancestors (and its own), or undefined to ignore .gitignore. */
  matchers: Matcher[] | undefined;
}

/**
 * Depth-first listing of `dirReal` (whose workspace-relative path is `dirRel`): at each level
 * directories before files, each group sorted by name; a directory before its contents. Symlinked directories are reported, never entered.
 */
export async function walk(dirReal: string, dirRel: string, options: WalkOptions): Promise<ListResult> {
  const entries: ListEntry[] = [];
  let truncated = false;

  const visit = async (real: string, rel: string, matchers: Matcher[] | undefined): Promise<void> => {
    const children = await readChildren(real, rel === dirRel);
    for (const d of children) {
      if (truncated) return;
      if (ALWAYS_SKIPPED.has(d.name)) continue;
      const childRel = rel === '' ? d.name : `${rel}/${d.name}`;
      const type = typeOf(d);
      if (matchers && isIgnored(matchers, childRel, type === 'directory')) continue;
      if (entries.length >= options.limit) {
        truncated = true;
        return;
      }
      entries.push({ path: childRel, type });
      if (type === 'directory' && options.recursive) {
        const childReal = path.join(real, d.name);
        const own = matchers ? await loadGitignore(childReal, childRel) : undefined;
        await visit(childReal, childRel, own && matchers ? [...matchers, own] : matchers);
      }
    }
  };

  await visit(dirReal, dirRel, options.matchers);
  return { entries, truncated };
}
