import path from 'node:path';
import picomatch from 'picomatch';
import { lstat, stat } from 'node:fs/promises';
import { GitContents } from './gitContents';
import { isIgnored, loadGitignore } from './gitignoreWalk';
import { findRootRuleSources, readRootRules } from './repositoryRules';
import { isStagingName } from './stagedFiles';

type Matcher = NonNullable<Awaited<ReturnType<typeof loadGitignore>>>;

/** Files git tracks although the rules ignore them, and the folders on their way. */
interface Forced {
  files: ReadonlySet<string>;
  dirs: ReadonlySet<string>;
}

export interface CaptureFilterOptions {
  /** Directory names skipped at any depth, besides `.git` (always). Default `['node_modules']`. */
  excludeDirs?: readonly string[];
  /** Globs (picomatch, dotfiles included) on workspace-relative paths; a matching directory is skipped whole. */
  ignore?: readonly string[];
  /** Apply the `.gitignore` files. Default true. */
  respectGitignore?: boolean;
}


/**
 * Which workspace paths the capture tracks. The `.gitignore` rules of each directory are loaded
 * once (with the same loader as `NodeWorkspace.list`) and cached; `invalidate` drops a directory's
 * rules after its `.gitignore` changed.
 */
export class CaptureFilter {
  private readonly excludeDirs: ReadonlySet<string>;
  private readonly globs: ((p: string) => boolean) | undefined;
  private readonly respectGitignore: boolean;
  private readonly chains = new Map<string, Promise<Matcher[]>>();
  /** The files the root's rules come from outside the workspace (info/exclude, enclosing .gitignore files), as last read. */
  private rootSourcesSeen: { file: string; stamp: string }[] | undefined;
  /** The repository's index (undefined outside one), as the root's rules were read. */
  private indexFile: string | undefined;
  /** Git's rules never apply to what git tracks: those files stay captured, as git shows their changes. Loaded on the first ignored path. */
  private forced: Promise<Forced> | undefined;
  /** The index's stamp as `forced` was asked for. */
  private indexSeen: string | undefined;

  constructor(
    private readonly rootAbs: string,
    options: CaptureFilterOptions = {},
  ) {
    this.excludeDirs = new Set(options.excludeDirs ?? ['node_modules']);
    const globs = options.ignore ?? [];
    // The globs are relative to the root; one written from the root ("/dist/**", as in a .gitignore) means the same glob.
    this.globs = globs.length > 0 ? picomatch(globs.map((g) => g.replace(/^\/+/, '')), { dot: true }) : undefined;
    this.respectGitignore = options.respectGitignore ?? true;
  }

  /**
   * Whether `rel` (a child of the directory `dirRel`, which is itself tracked) is excluded. Only the
   * last segment's own rules are tested: callers never descend into an excluded directory.
   */
  async excludes(dirRel: string, rel: string, isDir: boolean): Promise<boolean> {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (name === '.git') return true;
    // A file Savepoint stages before renaming it into place (another session's rewind or write), never a command's change; a user's look-alike name is tracked.
    if (!isDir && isStagingName(name)) return true;
    if (isDir && this.excludeDirs.has(name)) return true;
    if (this.globs && (this.globs(rel) || (isDir && this.globs(`${rel}/`)))) return true;
    if (!this.respectGitignore) return false;
    if (!isIgnored(await this.chain(dirRel), rel, isDir)) return false;
    const forced = await this.forcedPaths();
    return !(isDir ? forced.dirs : forced.files).has(rel);
  }

  /**
   * Whether any segment of `rel` is excluded (for a path reported by the watcher or left in the
   * index, whose ancestors may have become excluded since).
   */
  async excludesPath(rel: string, isDir: boolean): Promise<boolean> {
    const parts = rel.split('/');
    let dir = '';
    for (let i = 0; i < parts.length; i++) {
      const sub = dir === '' ? (parts[i] as string) : `${dir}/${parts[i] as string}`;
      const last = i === parts.length - 1;
      if (await this.excludes(dir, sub, last ? isDir : true)) return true;
      dir = sub;
    }
    return false;
  }

  /** Forgets the rules of `dirRel` and of the directories below it. */
  invalidate(dirRel: string): void {
    // Changed rules may ignore other tracked files.
    this.forced = undefined;
    for (const key of [...this.chains.keys()]) {
      if (dirRel === '' || key === dirRel || key.startsWith(`${dirRel}/`)) this.chains.delete(key);
    }
  }

  /** The matchers that apply inside `dirRel`, outermost first. */
  private chain(dirRel: string): Promise<Matcher[]> {
    let found = this.chains.get(dirRel);
    if (!found) {
      found = this.loadChain(dirRel);
      this.chains.set(dirRel, found);
    }
    return found;
  }

  /**
   * Whether a file the root's rules come from outside the workspace changed since they were read
   * (the repository's info/exclude, the .gitignore of a folder above the root when the workspace is
   * a folder of a repository, `<root>/.git`), or git's index changed which ignored files it tracks
   * (`git add -f`, a checkout): the root's rules are then dropped, for the caller to rescope the
   * whole workspace. Nothing watches `.git` or the folders above the root, so the capture asks at
   * each settle: one stat per file, and one `git ls-files` when the index changed.
   */
  async rootRulesChanged(): Promise<boolean> {
    const changed = await this.rootRulesMoved();
    if (changed) this.invalidate('');
    return changed;
  }

  /**
   * `rootRulesChanged` without dropping the rules: they still say what was tracked before the change
   * (a command that edits a file and excludes it keeps its edit), until the caller's `invalidate('')`.
   * Says true again until then.
   */
  async rootRulesMoved(): Promise<boolean> {
    const seen = this.rootSourcesSeen;
    if (!this.respectGitignore || seen === undefined || !this.chains.has('')) return false;
    const stamps = await Promise.all(seen.map((s) => stampOf(s.file)));
    return !stamps.every((stamp, i) => stamp === seen[i]?.stamp) || (await this.forcedChanged());
  }

  /** Whether the index changed since the forced files were listed, and lists different ones (which `invalidate` then brings in). */
  private async forcedChanged(): Promise<boolean> {
    const asked = this.forced;
    const seen = this.indexSeen;
    if (asked === undefined || this.indexFile === undefined || (await stampOf(this.indexFile)) === seen) return false;
    const before = (await asked).files;
    const relisted = this.listForced();
    const after = (await relisted).files;
    const changed = before.size !== after.size || [...after].some((p) => !before.has(p));
    // The same files (git status refreshed the index): the new stamp stands. Others: asked again until the caller invalidates.
    if (changed) this.indexSeen = seen;
    else if (this.forced === asked) this.forced = relisted;
    return changed;
  }

  private forcedPaths(): Promise<Forced> {
    this.forced ??= this.listForced();
    return this.forced;
  }

  private async listForced(): Promise<Forced> {
    await this.chain('');
    // Stamped before git reads it: a change made meanwhile is seen at the next settle.
    this.indexSeen = this.indexFile === undefined ? undefined : await stampOf(this.indexFile);
    const files = this.indexFile === undefined ? [] : await new GitContents(this.rootAbs).ignoredTracked();
    const dirs = new Set<string>();
    for (const f of files) for (let i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
    return { files: new Set(files), dirs };
  }

  private async loadChain(dirRel: string): Promise<Matcher[]> {
    if (dirRel === '') {
      const sources = await findRootRuleSources(this.rootAbs);
      this.indexFile = sources.repository?.index;
      // Stamped before they are read: a change made meanwhile is seen at the next settle.
      this.rootSourcesSeen = await Promise.all(sources.files.map(async (file) => ({ file, stamp: await stampOf(file) })));
      return readRootRules(sources);
    }
    const abs = path.join(this.rootAbs, dirRel);
    // A repository of its own (a submodule, a project cloned into the workspace): git applies only its rules inside it.
    if (await lstat(path.join(abs, '.git')).then(() => true, () => false)) {
      const sources = await findRootRuleSources(abs);
      if (sources.repository?.top === sources.rootReal) return (await readRootRules(sources)).map((m) => ({ ...m, base: dirRel }));
    }
    const parent = await this.chain(dirRel.includes('/') ? dirRel.slice(0, dirRel.lastIndexOf('/')) : '');
    const own = await loadGitignore(abs, dirRel);
    return own ? [...parent, own] : parent;
  }
}

/** What tells a version of a file from another without reading it (or 'none' when it is missing). */
async function stampOf(file: string): Promise<string> {
  const st = await stat(file).catch(() => undefined);
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : 'none';
}
