import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * A V8 code cache for Savepoint's bundles (the CLI's, the extension's). A bundle is 1.8 MB of
 * JavaScript: compiling it took ~70 ms of every CLI command's start, and each function's first call
 * compiles that function again (a cold rewind spent ~14 ms of its ~55 in it). The cache holds the
 * bytecode of every function that had run when it was written, so that the next process starts with
 * it: written once per use (a CLI command, the editor's session) that is not in it yet, at the end of
 * the process, never on a hot path.
 *
 * Safe by construction: the cache is named by a hash of the bundle's text, the V8 version, the CPU
 * and the process's V8 flags, so another build or runtime never takes it (and V8 checks its own
 * version and flags again, refusing a mismatch); a file that is torn or altered fails its checksum and
 * is ignored; any failure to read or write it only means compiling as without it.
 *
 * SAVEPOINT_CODE_CACHE: `off` turns it off; any other value is the folder to keep it in (default:
 * the user's cache folder, `savepoint/code-cache`).
 */

const MAGIC = 'savepoint code cache 1\n';
/** Uses recorded at most: a cache covers every CLI command long before that. */
const MAX_USES = 40;
/** Caches kept per bundle name (two editors of different versions each keep theirs). */
const KEEP = 3;

export type CodeCacheState = 'used' | 'none' | 'rejected' | 'damaged' | 'off';

export interface CodeCached<T> {
  /** The bundle's `module.exports`. */
  readonly exports: T;
  /** How the code was compiled: from the cache, without one (none there, refused by V8, damaged), or with the cache off. */
  readonly state: CodeCacheState;
  /** The cache's file (undefined: off). */
  readonly file: string | undefined;
  /**
   * Writes the cache with what has been compiled so far, unless it holds `use` already (`always`:
   * whatever it holds). Never throws; returns whether it wrote. Synchronous (~20 ms for a bundle
   * that ran a command): call it at the end of the process, not on its way.
   */
  save(use: string, o?: { always?: boolean }): boolean;
}

/** Where the caches are kept (undefined: off). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const set = env.SAVEPOINT_CODE_CACHE;
  if (set === 'off') return undefined;
  if (set) return set;
  const home = homedir();
  const base =
    platform === 'win32' ? (env.LOCALAPPDATA ?? join(home, 'AppData', 'Local')) : platform === 'darwin' ? join(home, 'Library', 'Caches') : (env.XDG_CACHE_HOME ?? join(home, '.cache'));
  return join(base, 'savepoint', 'code-cache');
}

interface Found {
  data: Buffer;
  uses: string[];
}

/** The cache file's contents, or 'damaged' (torn, altered, not one of ours), or undefined (none). */
function readCache(file: string): Found | 'damaged' | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (raw.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return 'damaged';
    const end = raw.indexOf(10, MAGIC.length);
    const head = JSON.parse(raw.subarray(MAGIC.length, end).toString('utf8')) as { uses?: unknown; sha256?: unknown };
    const data = raw.subarray(end + 1);
    if (typeof head.sha256 !== 'string' || !Array.isArray(head.uses) || createHash('sha256').update(data).digest('hex') !== head.sha256) return 'damaged';
    return { data, uses: head.uses.filter((u): u is string => typeof u === 'string') };
  } catch {
    return 'damaged';
  }
}

const WRAP = '(function (exports, require, module, __filename, __dirname) {';

/** The cache's name: the bundle's text and everything V8's bytecode depends on. */
function cacheName(name: string, source: string): string {
  const key = createHash('sha256').update(source).update(`\0${process.versions.v8}\0${process.arch}\0${process.execArgv.join(' ')}`).digest('hex');
  return `${name}-${key.slice(0, 24)}.bin`;
}

/**
 * Loads the CommonJS bundle `file` (as `require` would, with the module's own `require`,
 * `__filename` and `__dirname`) through the code cache `name`. A bundle that throws while loading
 * throws here, as with `require`.
 */
export function loadWithCodeCache<T>(file: string, name: string, dir: string | undefined = codeCacheDir()): CodeCached<T> {
  const source = readFileSync(file, 'utf8');
  const path = dir === undefined ? undefined : join(dir, cacheName(name, source));
  const found = path === undefined ? undefined : readCache(path);
  const cached = typeof found === 'object' ? found : undefined;
  const importModuleDynamically = (vm as unknown as { constants?: { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } }).constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const script = new vm.Script(`${WRAP}${source}\n})`, {
    filename: file,
    // Columns on the first line as in the file (a minified bundle is nearly all one line).
    columnOffset: -WRAP.length,
    ...(cached ? { cachedData: cached.data } : {}),
    ...(importModuleDynamically ? { importModuleDynamically: importModuleDynamically as never } : {}),
  });
  let state: CodeCacheState = path === undefined ? 'off' : found === 'damaged' ? 'damaged' : !cached ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const uses = new Set(state === 'used' ? (cached?.uses ?? []) : []);
  const module = { exports: {} as T, filename: file, id: file, loaded: false };
  (script.runInThisContext({ displayErrors: true }) as (...a: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    get exports() {
      return module.exports;
    },
    get state() {
      return state;
    },
    file: path,
    save(use, o = {}) {
      if (path === undefined || dir === undefined) return false;
      if (!o.always && state === 'used' && (uses.has(use) || uses.size >= MAX_USES)) return false;
      try {
        const data = script.createCachedData();
        const all = uses.has(use) || uses.size >= MAX_USES ? [...uses] : [...uses, use];
        const head = JSON.stringify({ uses: all, sha256: createHash('sha256').update(data).digest('hex') });
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Whole or not at all: a reader never sees a half-written cache (and one torn by a power cut fails its checksum).
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC + head + '\n', 'utf8'), data]), { mode: 0o600 });
        renameSync(tmp, path);
        for (const u of all) uses.add(u);
        state = 'used';
        prune(dir, name, path);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * The caches of `name` beyond the KEEP most recently written (older builds, other runtimes) are
 * removed, and temporary files a crash left (another process's write in progress is under a minute old).
 */
function prune(dir: string, name: string, keep: string): void {
  const now = Date.now();
  const found: { path: string; at: number; tmp: boolean }[] = [];
  const ownName = new RegExp(`^${name.replace(/[^A-Za-z0-9]/g, '\\$&')}-[0-9a-f]{24}\\.bin(\\.\\d+\\.tmp)?$`);
  for (const n of readdirSync(dir)) {
    const tmp = n.endsWith('.tmp');
    const path = join(dir, n);
    // This name's caches only: another name may start like it ('cli' and 'cli-tuned').
    if (!ownName.test(n) || path === keep) continue;
    found.push({ path, at: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0, tmp });
  }
  const bins = found.filter((f) => !f.tmp).sort((a, b) => b.at - a.at);
  const gone = [...bins.slice(KEEP - 1), ...found.filter((f) => f.tmp && now - f.at > 60_000)];
  for (const f of gone) rmSync(f.path, { force: true });
}
