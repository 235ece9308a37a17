import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

/** One file whose old contents are wanted: its path in the workspace and the sha-256 they had. */
export interface WantedContent {
  path: string;
  hash: string;
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
 * so a wrong one can never be restored. One `git cat-file --batch` per lookup, with optional locks
 * off: nothing in `.git` is written, locked or refreshed. Without git, outside a repository, or on
 * any failure, the answer is simply empty.
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

  /** The contents found, by path: the index's version, else HEAD's, whichever has the wanted hash. */
  async recall(wanted: readonly WantedContent[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    // A path with a line break cannot go through the batch protocol; `./` keeps paths relative to the workspace, not to the repository.
    const asked = wanted.filter((w) => !/[\n\r]/.test(w.path) && !w.path.startsWith('/'));
    if (asked.length === 0) return found;
    const specs = asked.flatMap((w) => [`:./${w.path}`, `HEAD:./${w.path}`]);
    let objects: (Buffer | undefined)[];
    try {
      objects = await this.catFile(specs);
    } catch {
      return found;
    }
    asked.forEach((w, i) => {
      for (const bytes of [objects[2 * i], objects[2 * i + 1]]) {
        if (bytes && createHash('sha256').update(bytes).digest('hex') === w.hash) {
          found.set(w.path, bytes);
          return;
        }
      }
    });
    return found;
  }

  /** `git cat-file --batch` for `specs`: each object's bytes, or undefined when git has none for it. */
  private catFile(specs: readonly string[]): Promise<(Buffer | undefined)[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.git, ['-c', 'core.quotePath=false', 'cat-file', '--batch'], {
        cwd: this.root,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`git cat-file took over ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(`git cat-file exited with ${code}`));
        try {
          resolve(parseBatch(Buffer.concat(chunks), specs.length));
        } catch (e) {
          reject(e);
        }
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(specs.map((s) => `${s}\n`).join(''));
    });
  }
}

/**
 * The output of `cat-file --batch`: per request either `<oid> <type> <size>\n<bytes>\n` or a line
 * saying why there is no object (`<spec> missing`, `ambiguous`…). Only blobs are kept.
 */
function parseBatch(out: Buffer, count: number): (Buffer | undefined)[] {
  const objects: (Buffer | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error('git cat-file output ended early');
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^[0-9a-f]{40,64} (\w+) (\d+)$/.exec(header);
    if (!m) {
      objects.push(undefined);
      continue;
    }
    const size = Number(m[2]);
    if (at + size > out.length) throw new Error('git cat-file output ended inside an object');
    objects.push(m[1] === 'blob' ? out.subarray(at, at + size) : undefined);
    at += size + 1;
  }
  return objects;
}
