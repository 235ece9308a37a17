import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { WorkspaceError } from '../ports/workspace';
import { errCode } from '../util/errCode';

export interface ConfinedPath {
  /** The absolute path as written, normalised, inside the root. */
  lexical: string;
  /** The absolute real path (symlinks resolved as far as the path exists), inside the real root. */
  real: string;
  /** Workspace-relative, `/`-separated ('' for the root itself). */
  rel: string;
}

const MAX_LINKS = 40;

/**
 * `p` relative to `base` when `p` is `base` or below it ('' for `base` itself), else undefined.
 * Both are absolute. POSIX compares normalized strings: `path.relative` costs tens of microseconds
 * a call, several per file in a rewind of many files. Elsewhere (drive letters, case-insensitive
 * comparison) `path.relative` decides.
 */
export function relativeInside(base: string, p: string): string | undefined {
  if (path.sep === '/') {
    const b = normalPosix(base);
    const q = normalPosix(p);
    if (q === b) return '';
    const prefix = b === '/' ? b : `${b}/`;
    return q.startsWith(prefix) ? q.slice(prefix.length) : undefined;
  }
  const r = path.relative(base, p);
  return r === '' || !(r === '..' || r.startsWith(`..${path.sep}`) || path.isAbsolute(r)) ? r : undefined;
}

/** A POSIX path without '.', '..', doubled or trailing slashes (`path.normalize` only when it has some). */
function normalPosix(p: string): string {
  const n = /\/\/|\/\.\.?(\/|$)/.test(p) ? path.normalize(p) : p;
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** `given` made absolute against `root` and normalized, as `path.resolve` would (without its cost for a plain relative path). */
export function lexicalPath(root: string, given: string): string {
  if (path.sep === '/' && root.startsWith('/') && !given.startsWith('/') && !/(^|\/)\.\.?(\/|$)|\/\//.test(given)) {
    const r = normalPosix(root);
    const g = given.endsWith('/') ? given.slice(0, -1) : given;
    return r === '/' ? `/${g}` : `${r}/${g}`;
  }
  return path.isAbsolute(given) ? path.normalize(given) : path.resolve(root, given);
}

/** `p` is `base` or below it. */
export function isInside(base: string, p: string): boolean {
  return relativeInside(base, p) !== undefined;
}

export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/**
 * The real path of `abs`, which need not exist: the realpath of its nearest existing ancestor with
 * the missing tail appended. A dangling symlink is followed to where it points, so a write through
 * it cannot land outside unnoticed. Synchronous: each call is a metadata syscall of a few
 * microseconds, where the promise form costs a thread-pool trip and more main-thread time than the
 * call itself (a rewind confines each of its files several times).
 */
function realpathLoose(abs: string, hops = 0): string {
  if (hops > MAX_LINKS) throw Object.assign(new Error(`too many symlinks at ${abs}`), { code: 'ELOOP' });
  try {
    return realpathSync.native(abs);
  } catch (e) {
    const code = errCode(e);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
  }
  const parent = path.dirname(abs);
  if (parent === abs) return abs;
  const realParent = realpathLoose(parent, hops);
  const here = path.join(realParent, path.basename(abs));
  if (isSymlink(here)) return realpathLoose(path.resolve(realParent, readlinkSync(here)), hops + 1);
  return here;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Maps caller paths to confined absolute paths for one root. */
export class PathConfiner {
  private realRoot: string | undefined;

  constructor(readonly root: string) {}

  private getRealRoot(): string {
    // A failure is not cached: the root may be created (or remounted) later.
    this.realRoot ??= realpathSync.native(this.root);
    return this.realRoot;
  }

  /** Throws OUTSIDE_WORKSPACE or INVALID_PATH; see the `Workspace` port. */
  confine(given: string): ConfinedPath {
    if (typeof given !== 'string' || given.length === 0) {
      throw new WorkspaceError('INVALID_PATH', String(given), 'The path is empty.');
    }
    if (given.includes('\0')) throw new WorkspaceError('INVALID_PATH', given, 'The path contains a NUL byte.');
    const realRoot = this.getRealRoot();
    const lexical = lexicalPath(this.root, given);
    const rel = relativeInside(this.root, lexical) ?? relativeInside(realRoot, lexical);
    if (rel === undefined) {
      throw new WorkspaceError('OUTSIDE_WORKSPACE', given, `The path ${given} is outside the workspace.`);
    }
    let real: string;
    try {
      real = realpathLoose(lexical);
    } catch (e) {
      if (errCode(e) === 'ELOOP') throw new WorkspaceError('INVALID_PATH', given, `The path ${given} is a symlink loop.`, { cause: e });
      throw e;
    }
    if (!isInside(realRoot, real)) {
      throw new WorkspaceError('OUTSIDE_WORKSPACE', given, `The path ${given} leads outside the workspace through a symlink.`);
    }
    return { lexical, real, rel: toPosix(rel) };
  }

  /**
   * The directory entry itself (a symlink, not its target): real parent plus own name. Both the
   * entry and what it resolves to must be inside the workspace.
   */
  confineEntry(given: string): ConfinedPath & { entry: string } {
    const c = this.confine(given);
    if (c.rel === '') throw new WorkspaceError('IS_DIRECTORY', given, 'The path is the workspace root.');
    const entry = path.join(realpathLoose(path.dirname(c.lexical)), path.basename(c.lexical));
    if (!isInside(this.getRealRoot(), entry)) {
      throw new WorkspaceError('OUTSIDE_WORKSPACE', given, `The path ${given} leads outside the workspace through a symlink.`);
    }
    return { ...c, entry };
  }

  /**
   * The directory entry itself when it is a symlink to be replaced or removed as an entry: its
   * folders must lead inside the workspace, where the link leads does not matter (it is never
   * followed, read nor written). Throws as `confine` for a path that leaves the root lexically.
   */
  confineLinkEntry(given: string): { rel: string; entry: string } {
    if (typeof given !== 'string' || given.length === 0 || given.includes('\0')) return this.confineEntry(given);
    const lexical = lexicalPath(this.root, given);
    const rel = relativeInside(this.root, lexical) ?? relativeInside(this.getRealRoot(), lexical);
    if (rel === undefined) throw new WorkspaceError('OUTSIDE_WORKSPACE', given, `The path ${given} is outside the workspace.`);
    if (rel === '') throw new WorkspaceError('IS_DIRECTORY', given, 'The path is the workspace root.');
    const entry = path.join(realpathLoose(path.dirname(lexical)), path.basename(lexical));
    if (!isInside(this.getRealRoot(), entry) || entry === this.getRealRoot()) {
      throw new WorkspaceError('OUTSIDE_WORKSPACE', given, `The path ${given} leads outside the workspace through a symlink.`);
    }
    return { rel: toPosix(rel), entry };
  }
}

/**
 * `name` (one path segment) in the absolute, normalized folder `dir`: `path.join` without its
 * normalization, which walks the string a character at a time (microseconds a call in a fresh
 * process, where that loop is still interpreted).
 */
export function inDir(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? `${dir}${name}` : `${dir}${path.sep}${name}`;
}
