import { execFileSync, spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, fsyncSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Statistics, disk usage and fresh-process timing shared by the W1 bench. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Sum of st_blocks * 512 over every file under `dir` (what the disk actually gives the store). */
export async function bytesAllocated(dir: string): Promise<{ allocated: number; apparent: number; files: number }> {
  let allocated = 0;
  let apparent = 0;
  let files = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = await bytesAllocated(path);
      allocated += sub.allocated;
      apparent += sub.apparent;
      files += sub.files;
      continue;
    }
    const st = await lstat(path);
    allocated += st.blocks * 512;
    apparent += st.size;
    files++;
  }
  return { allocated, apparent, files };
}

export interface ChildRun<T> {
  out: T;
  /** Wall time from spawn to exit, as the parent saw it. */
  wallMs: number;
}

/** Runs `node args...`, returns its parsed JSON stdout and its wall time. Fails on a non-zero exit. */
export function runNode<T>(args: readonly string[]): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim()}`));
        return;
      }
      try {
        resolve({ out: (stdout.trim() ? JSON.parse(stdout) : null) as T, wallMs });
      } catch (e) {
        reject(new Error(`node ${args.join(' ')} printed no JSON: ${stdout.slice(0, 200)}`, { cause: e }));
      }
    });
  });
}

/**
 * fsyncs every file of a directory (not recursive), then the directory: a store copied just before
 * a measurement is then at rest, as a store on a user's disk is. Without it the copy's megabytes of
 * dirty pages are flushed by the first fsync the measured process makes (LevelDB's open makes three),
 * which measured 13 ms more for the 22 MB list fixture on this kind of machine.
 */
export function syncDirTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const fd = openSync(join(dir, name), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Median wall time of an empty `node -e 0`, the cost every fresh process pays before our code. */
export async function emptyNodeMs(samples = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push((await runNode<null>(['-e', '0'])).wallMs);
  return median(times);
}

export function gitCommit(cwd: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

/**
 * The floor under a durable checkpoint on this disk: append `bytes` to a file and fdatasync it,
 * `count` times (what W1.md calls "append + fdatasync"). Returns the median in ms.
 */
export function fsyncFloorMs(dir: string, count = 200, bytes = 4700): number {
  const path = join(dir, `fsync-floor-${process.pid}.tmp`);
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(bytes, 0x61);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      writeSync(fd, buf);
      fdatasyncSync(fd);
      times.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
  return median(times);
}

/** `--name value` options of a bench command line: the raw value, and positive integers with a default. */
export function argReader(argv: readonly string[]): { value: (name: string) => string | undefined; num: (name: string, fallback: number) => number } {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, fallback: number): number => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer (got ${v})`);
    return n;
  };
  return { value, num };
}
