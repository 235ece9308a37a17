import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';

/** One file whose old contents are wanted: its path in the workspace, the sha-256 and the size they had. */
export interface WantedContent {
  path: string;
  hash: string;
  size: number;
  /**
   * Git's id of those bytes, when known (the baseline saw them in the index): tried too, so that
   * a checkout, stash or reset that moved both the index and HEAD away from them does not lose them.
   */
  id?: string;
}

export interface GitContentsOptions {
  /** The `git` executable. Default: `git` on the PATH. */
  git?: string;
  /** A lookup that takes longer is abandoned (the files stay recorded by hash). Default 10 s. */
  timeoutMs?: number;
}

/**
 * Old contents of files from the workspace's git repository, read-only: when the capture's content
 * cache dropped a file that a command then changed, the version in the index or in HEAD is very
 * often the one it had. A version is used only when its sha-256 is the hash the capture recorded,
 * so a wrong one can never be restored. Besides the index and HEAD, a blob id the caller saw in the
 * index earlier is tried (a checkout may have moved both since; the object stays until git's gc).
 * Two `git cat-file` runs per lookup: `--batch-check` for what
 * git has under each name, then `--batch` for the blobs of the right size only, each once. Optional
 * locks and the fsmonitor hook are off: nothing in `.git` is written, locked or refreshed, and no
 * hook runs. Without git, outside a repository, or on any failure, the answer is simply empty.
 */
export class GitContents {
  private readonly git: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly root: string,
    o: GitContentsOptions = {},
  ) {
    this.git = o.git ?? 'git';
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** The contents found, by path: the index's version, else HEAD's, else the blob `id` names, whichever has the wanted hash. */
  async recall(wanted: readonly WantedContent[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    // A path with a line break cannot go through the batch protocol; `./` keeps paths relative to the workspace, not to the repository.
    const asked = wanted.filter((w) => !/[\n\r]/.test(w.path) && !w.path.startsWith('/'));
    if (asked.length === 0) return found;
    const specsOf = (w: WantedContent) => [`:./${w.path}`, `HEAD:./${w.path}`, ...(w.id && /^[0-9a-f]{40,64}$/.test(w.id) ? [w.id] : [])];
    try {
      // First only what git has under each name (ids, types, sizes); then the contents of the blobs of the right size, each once.
      const specs = asked.map(specsOf);
      const infos = await this.run('--batch-check', specs.flat(), false);
      const perWanted: (GitObject | undefined)[][] = [];
      let at = 0;
      for (const list of specs) {
        perWanted.push(infos.slice(at, at + list.length));
        at += list.length;
      }
      const ids = new Set<string>();
      asked.forEach((w, i) => {
        for (const info of perWanted[i] ?? []) if (info && info.type === 'blob' && info.size === w.size) ids.add(info.id);
      });
      if (ids.size === 0) return found;
      const objects = await this.run('--batch', [...ids], true);
      const byId = new Map([...ids].map((id, i) => [id, objects[i]?.bytes]));
      asked.forEach((w, i) => {
        for (const info of perWanted[i] ?? []) {
          const bytes = info ? byId.get(info.id) : undefined;
          if (bytes && createHash('sha256').update(bytes).digest('hex') === w.hash) {
            found.set(w.path, bytes);
            return;
          }
        }
      });
    } catch {
      // No git, not a repository, a timeout: the files stay recorded by hash.
    }
    return found;
  }

  /**
   * For a rewind (`ContentSource`): per path, the version git has whose sha-256 is `hash`, searched in
   * the index, HEAD and every commit that changed the path on any branch, tag, stash or reflog entry
   * (the branch a checkout left, a commit amended away), the newest MAX_VERSIONS of them. Each blob is
   * read and hashed on its own (no size is known: one file over the size limit is all memory holds).
   * Read-only as the rest; empty without git, outside a repository, or on any failure.
   */
  async recallByHash(wanted: readonly { path: string; hash: string }[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    for (const w of wanted.filter((x) => !/[\n\r]/.test(x.path) && !x.path.startsWith('/'))) {
      try {
        const commits = (await this.exec(['--literal-pathspecs', 'log', '--all', '--reflog', '--format=%H', `--max-count=${MAX_VERSIONS}`, '--', `./${w.path}`], '')).toString('utf8').split('\n').filter(Boolean);
        const infos = await this.run('--batch-check', [`:./${w.path}`, `HEAD:./${w.path}`, ...commits.map((c) => `${c}:./${w.path}`)], false);
        const ids = [...new Set(infos.flatMap((i) => (i?.type === 'blob' ? [i.id] : [])))];
        for (const id of ids) {
          const bytes = await this.exec(['cat-file', 'blob', id], '');
          if (createHash('sha256').update(bytes).digest('hex') !== w.hash) continue;
          found.set(w.path, bytes);
          break;
        }
      } catch {
        // No git, not a repository, a timeout: this file stays recorded by hash.
      }
    }
    return found;
  }

  /**
   * Git's object id for each file of the index under the workspace (stage 0, regular files), by
   * workspace path: which files' current bytes git could give back (`blobId` of the bytes equals
   * the id). One `git ls-files`, read-only like the rest. Empty without git, outside a repository,
   * or on any failure.
   */
  async indexIds(): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    try {
      const out = await this.exec(['ls-files', '--stage', '-z', '--', '.'], '');
      for (const entry of out.toString('utf8').split('\0')) {
        // <mode> <id> <stage>\t<path>
        const m = /^(100644|100755) ([0-9a-f]{40,64}) 0\t(.+)$/s.exec(entry);
        if (m) ids.set(m[3] as string, m[2] as string);
      }
    } catch {
      // No git, not a repository, a timeout: nothing is known to be in git.
    }
    return ids;
  }

  /**
   * The files git tracks under the workspace although its ignore rules match them (force-added, or
   * committed before a rule named them), by workspace path: git's rules leave tracked files alone.
   * One `git ls-files`, read-only like the rest. Empty without git, outside a repository, or on any failure.
   */
  async ignoredTracked(): Promise<string[]> {
    try {
      const out = await this.exec(['ls-files', '-z', '--cached', '--ignored', '--exclude-standard', '--', '.'], '');
      return out.toString('utf8').split('\0').filter((p) => p !== '');
    } catch {
      return [];
    }
  }

  /**
   * The user's own ignore file, as git finds it: `core.excludesFile` (any config level, `~`
   * expanded), else `$XDG_CONFIG_HOME/git/ignore`, else `~/.config/git/ignore`. It need not exist.
   */
  async excludesFile(): Promise<string> {
    try {
      const out = (await this.exec(['config', '--path', '--get', 'core.excludesFile'], '')).toString('utf8').trim();
      if (out !== '') return path.resolve(this.root, out);
    } catch {
      // Not set (git exits with 1), or no git: git's default file.
    }
    return path.join(process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'git', 'ignore');
  }

  /** One `git cat-file` batch over `specs`: per spec what git has (undefined: nothing), with the bytes when `contents`. */
  private async run(mode: '--batch' | '--batch-check', specs: readonly string[], contents: boolean): Promise<(GitObject | undefined)[]> {
    const out = await this.exec(['cat-file', mode], specs.map((s) => `${s}\n`).join(''));
    return parseBatch(out, specs.length, contents);
  }

  /** Runs git in the workspace with `input` on its stdin; its stdout, or a rejection on failure, a non-zero exit or the timeout. */
  private exec(args: readonly string[], input: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      // Nothing that runs code or writes: no fsmonitor hook (reading the index would start it), no optional locks, no prompts.
      const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
      for (const v of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES']) delete env[v];
      const child = spawn(this.git, ['-c', 'core.fsmonitor=false', '-c', 'core.quotePath=false', ...args], { cwd: this.root, env, stdio: ['pipe', 'pipe', 'ignore'] });
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`git ${args[0]} took over ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(`git ${args[0]} exited with ${code}`));
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }
}

/**
 * Git's id of a blob holding `bytes`: sha-1 of the header and the bytes, or sha-256 in a
 * repository that uses it (`like`: an id of that repository, whose length tells which).
 */
export function blobId(bytes: Uint8Array, like: string): string {
  return createHash(like.length === 64 ? 'sha256' : 'sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}

/** The commits `recallByHash` looks at for one path, newest first. */
const MAX_VERSIONS = 30;

interface GitObject {
  id: string;
  type: string;
  size: number;
  /** With `--batch`, for a blob. */
  bytes?: Buffer;
}

/**
 * The output of `cat-file --batch` (`contents`) or `--batch-check`: per request either
 * `<id> <type> <size>` (followed, with contents, by the bytes and a newline) or a line saying why
 * git has no object for it (`<spec> missing`, `ambiguous`…).
 */
function parseBatch(out: Buffer, count: number, contents: boolean): (GitObject | undefined)[] {
  const objects: (GitObject | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error('git cat-file output ended early');
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
    if (!m) {
      objects.push(undefined);
      continue;
    }
    const object: GitObject = { id: m[1] as string, type: m[2] as string, size: Number(m[3]) };
    if (contents) {
      if (at + object.size > out.length) throw new Error('git cat-file output ended inside an object');
      if (object.type === 'blob') object.bytes = out.subarray(at, at + object.size);
      at += object.size + 1;
    }
    objects.push(object);
  }
  return objects;
}
