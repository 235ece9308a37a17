/**
 * Change capture on a W1-style workspace (F files of 200 lines, `src/m000/f00000.ts`, 100 per
 * folder, under the gitignored `.bench/capture/`). Builds the baseline once and reports its cost,
 * then times `end()` after a shell command that modifies 8 files, creates 1 and deletes 1 (median
 * of --runs), with the watcher and with the stat-only sweep. One JSON object on stdout.
 *
 * `baseline_ms` includes keeping every text file's bytes in a `MemoryContentStore` (so every old
 * version comes back, which the bench checks); `details.baseline_hash_only_no_watch_ms` is the
 * sweep pass's baseline, which only hashes. `read_all_files_floor_ms` is plain `readFile` of the
 * same files: the floor any baseline pays on this machine.
 *
 *   node .tmp/out-capture/bench/capture/captureBench.js [--files 20000] [--runs 5] [--dir .bench/capture]
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MemoryContentStore } from '../../src/core/capture/memoryContentStore';
import { NodeChangeCapture, type NodeChangeCaptureOptions } from '../../src/core/node/nodeChangeCapture';
import type { FileChangeSet } from '../../src/core/ports/changeCapture';

const exec = promisify(execFile);

function arg(name: string, fallback: number | string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : String(fallback);
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const relPath = (i: number) => `src/m${pad(Math.floor(i / 100), 3)}/f${pad(i, 5)}.ts`;

function fileText(i: number): string {
  const lines = [`// ${relPath(i)}: capture bench fixture`, `export type Rec${i} = Record<string, number>;`];
  for (let k = 0; lines.length < 200; k++) {
    lines.push(`export function fn${i}_${k}(input: Rec${i}, limit: number): number {`);
    for (let j = 0; j < 6; j++) lines.push(`  const v${j} = (input.k${(i * 31 + k * 7 + j) % 997} ?? ${(i + j) % 89}) * ${k + j + 1};`);
    lines.push(`  return Math.min(limit, v0 + v1 - v2 + v3 - v4 + v5);`, '}');
  }
  return `${lines.slice(0, 200).join('\n')}\n`;
}

async function makeWorkspace(root: string, files: number): Promise<void> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'package.json'), '{ "name": "w1", "private": true }\n');
  await writeFile(path.join(root, '.gitignore'), 'dist/\n*.log\n');
  for (let folder = 0; folder * 100 < files; folder++) {
    await mkdir(path.join(root, `src/m${pad(folder, 3)}`), { recursive: true });
    const batch = [];
    for (let i = folder * 100; i < Math.min(files, (folder + 1) * 100); i++) batch.push(writeFile(path.join(root, relPath(i)), fileText(i)));
    await Promise.all(batch);
  }
}

/** The files run r touches: 8 modified and 1 deleted (fixture indices, all different from other runs'), 1 created. */
export function commandFiles(r: number, files: number): { modified: number[]; deleted: number; created: string } {
  const step = Math.floor(files / 10);
  return {
    modified: Array.from({ length: 8 }, (_, k) => (r * 97 + k * step + 13) % files),
    deleted: (r * 97 + 9 * step + 29) % files,
    created: `src/new_${r}.ts`,
  };
}

/** Run r touches 10 files: appends to 8, creates 1, deletes 1. */
export function command(r: number, files: number): string {
  const f = commandFiles(r, files);
  return [...f.modified.map((m) => `echo '// run ${r}' >> ${relPath(m)}`), `echo 'export const run = ${r};' > ${f.created}`, `rm ${relPath(f.deleted)}`].join(' && ');
}

/** The floor under any baseline: plain `readFile` of every fixture file, 32 at a time, no hashing. */
async function readFloor(root: string, files: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files; i = next++) await readFile(path.join(root, relPath(i))).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return performance.now() - t0;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const round = (x: number) => Math.round(x * 100) / 100;

/**
 * One capture over the workspace at `root` (F files in the fixture layout): the baseline, then for
 * r = first .. first+runs-1 `begin()`, the command of run r, and the timed `end()`, checked for
 * 8 modified, 1 created, 1 deleted. The workspace is left as the commands changed it.
 */
export async function measure(root: string, files: number, runs: number, first: number, options: NodeChangeCaptureOptions) {
  const capture = new NodeChangeCapture(root, options);
  const rss0 = process.memoryUsage().rss;
  const baseline = await capture.start();
  const rssBaseline = process.memoryUsage().rss - rss0;
  const begins: number[] = [];
  const ends: number[] = [];
  let last: FileChangeSet | undefined;
  for (let r = first; r < first + runs; r++) {
    const t0 = performance.now();
    // Labelled as the runner labels a command: with a log (`logDir`), begin() makes the index durable first.
    const mark = await capture.begin(`bench/run-${r}`);
    begins.push(performance.now() - t0);
    await exec('sh', ['-c', command(r, files)], { cwd: root });
    const t1 = performance.now();
    last = await capture.end(mark);
    ends.push(performance.now() - t1);
    const kinds = last.changes.map((c) => c.kind).sort().join(',');
    const want = ['created', 'deleted', ...Array<string>(8).fill('modified')].sort().join(',');
    if (kinds !== want) throw new Error(`run ${r}: expected 8 modified, 1 created, 1 deleted, got ${kinds}`);
    const keep = options.keepBaselineContents ?? true;
    if (keep && last.changes.some((c) => c.kind !== 'created' && !c.beforeBytes)) throw new Error(`run ${r}: old bytes missing`);
  }
  await capture.dispose();
  return { baseline, rssBaseline, begins, ends, method: last?.method, examined: last?.examined, hashed: last?.hashed };
}

async function main(): Promise<void> {
  const files = Number(arg('files', 20000));
  const runs = Number(arg('runs', 5));
  const root = path.resolve(arg('dir', '.bench/capture'), `ws-${files}`);
  process.stderr.write(`writing ${files} files under ${root}\n`);
  await makeWorkspace(root, files);
  // Large enough for the whole baseline: the bench checks that every old version comes back.
  const store = () => new MemoryContentStore(512 * 1024 * 1024);
  process.stderr.write('watch: baseline and captures\n');
  const watched = await measure(root, files, runs, 0, { contentStore: store() });
  const floor = await readFloor(root, files);
  process.stderr.write('sweep: baseline and captures\n');
  const swept = await measure(root, files, runs, runs, { watch: false, keepBaselineContents: false, contentStore: store() });
  process.stdout.write(
    `${JSON.stringify({
      F: files,
      runs,
      capture_after_command_ms: round(median(watched.ends)),
      baseline_ms: round(watched.baseline.ms),
      begin_ms: round(median(watched.begins)),
      sweep_capture_after_command_ms: round(median(swept.ends)),
      target_ms: 150,
      details: {
        baseline_files: watched.baseline.files,
        read_all_files_floor_ms: round(floor),
        baseline_kept_mb: round(watched.baseline.keptBytes / 1048576),
        baseline_rss_delta_mb: round(watched.rssBaseline / 1048576),
        watched_dirs: watched.baseline.watchedDirs,
        capture_ms_runs: watched.ends.map(round),
        examined: watched.examined,
        hashed: watched.hashed,
        baseline_hash_only_no_watch_ms: round(swept.baseline.ms),
        sweep_begin_ms: round(median(swept.begins)),
        sweep_capture_ms_runs: swept.ends.map(round),
        sweep_examined: swept.examined,
        page_cache: 'warm (files just written)',
        node: process.version,
      },
    })}\n`,
  );
}

// Imported by the checkpoints bench for `measure`: run only as a script.
if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
