import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { argReader, gitCommit, median, round } from '../store/measure';
import { W1Scenario } from '../store/scenario';
import { writeWorkspace } from '../store/workspace';
import { type CaptureResult, measureCapture } from './captureRun';
import { type RunResult, resetHotFiles, runOnce } from './checkpointRun';
import { type MachineFigures, measureMachine } from './machine';

/**
 * Issue 4 §9: W1 (../../../shared/bench/W1.md) at F = 2,000 and F = 20,000 through the product's
 * code paths: the runner's journal (checkpoint per step), planRewind + applyRewind in a fresh
 * process (rewind to step S/2), NodeChangeCapture after a command that touches 10 files.
 *   node out/bench/checkpoints/checkpointsBench.js [--only F2000|F20000] [--runs 3] [--steps 200] [--seed 1] [--dir .bench/checkpoints] [--keep]
 * One JSON object on stdout, {"F2000": {...}, "F20000": {...}, ...}; progress on stderr.
 */
const SIZES = [2000, 20_000];
const TARGET = { checkpoint_p50_ms: 1, rewind_inproc_ms: 30, capture_after_command_ms: 150 };

interface Options {
  sizes: number[];
  runs: number;
  steps: number;
  seed: number;
  dir: string;
  keep: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const { value, num } = argReader(argv);
  const only = value('only');
  const sizes = only === undefined ? SIZES : only.split(',').map((s) => Number(s.replace(/^F/i, '')));
  if (sizes.some((f) => !Number.isInteger(f) || f < 20)) throw new Error(`--only takes F2000, F20000 or a list (got ${only})`);
  const steps = num('steps', 200);
  if (steps < 2) throw new Error('--steps must be at least 2');
  return { sizes, runs: num('runs', 3), steps, seed: num('seed', 1), dir: resolve(value('dir') ?? join(repoRoot(), '.bench', 'checkpoints')), keep: argv.includes('--keep') };
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The repository: the nearest folder up with a package.json (the bench runs from out/ or from a private outDir). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const load = () => loadavg().map((x) => round(x, 2));

/**
 * Writes the workspace unless the same (seed, F) is already there (the marker is written last): a git
 * repository, as W1 has it, with every file committed (the capture reads the repository's rules and
 * asks git which tracked files they ignore). Its `.git` is in the marker's folder, so the marker is
 * ignored by a `.git/info/exclude` line, as the hot files' edits are left uncommitted by the runs.
 */
async function ensureWorkspace(root: string, seed: number, files: number): Promise<{ bytes: number; reused: boolean; ms: number }> {
  const marker = join(root, '.w1-fixture.json');
  try {
    const m = JSON.parse(await readFile(marker, 'utf8')) as { seed: number; files: number; bytes: number; git?: boolean };
    if (m.seed === seed && m.files === files && m.git === true && existsSync(join(root, '.git'))) return { bytes: m.bytes, reused: true, ms: 0 };
  } catch {
    // No fixture yet (or a damaged marker): write a fresh one.
  }
  await rm(root, { recursive: true, force: true });
  const t0 = performance.now();
  const info = await writeWorkspace(root, seed, files);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=w1', '-c', 'user.email=w1@localhost', '-c', 'commit.gpgsign=false', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  await writeFile(join(root, '.git', 'info', 'exclude'), '.w1-fixture.json\n');
  git('add', '-A');
  git('commit', '-q', '-m', `W1 fixture: seed ${seed}, ${files} files`);
  const ms = performance.now() - t0;
  log(`workspace: ${files} files, ${(info.bytes / 1e6).toFixed(1)} MB, committed to git, in ${(ms / 1000).toFixed(1)} s`);
  await writeFile(marker, JSON.stringify({ seed, files, bytes: info.bytes, git: true }));
  return { bytes: info.bytes, reused: false, ms };
}

const target = (value: number, limit: number) => ({ value: round(value), target: limit, pass: value <= limit });

function summarize(o: Options, files: number, runs: RunResult[], capture: CaptureResult, ws: Awaited<ReturnType<typeof ensureWorkspace>>, loadBefore: number[], machine: MachineFigures) {
  const m = (f: (r: RunResult) => number) => round(median(runs.map(f)));
  // The rewind's figures: the runs whose process started with the code cache (all of them from out/, without one).
  const cold = runs.filter((r) => r.rewind.code_cache !== 'used' && r.rewind.code_cache !== 'not loaded through the code cache');
  const timed = runs.filter((r) => !cold.includes(r));
  const w = (f: (r: RunResult) => number) => round(median(timed.map(f)));
  const metrics = {
    checkpoint_p50_ms: m((r) => r.checkpoint.p50),
    rewind_inproc_ms: w((r) => r.rewind.ms),
    capture_after_command_ms: round(median(capture.ends)),
  };
  const targets = {
    checkpoint_p50_ms: target(metrics.checkpoint_p50_ms, TARGET.checkpoint_p50_ms),
    rewind_inproc_ms: target(metrics.rewind_inproc_ms, TARGET.rewind_inproc_ms),
    capture_after_command_ms: target(metrics.capture_after_command_ms, TARGET.capture_after_command_ms),
  };
  return {
    ...metrics,
    checkpoint_p95_ms: m((r) => r.checkpoint.p95),
    checkpoint_max_ms: m((r) => r.checkpoint.max),
    F: files,
    S: o.steps,
    rewind_to_step: Math.floor(o.steps / 2),
    targets: { ...targets, all_pass: Object.values(targets).every((t) => t.pass) },
    details: {
      checkpoint: {
        what: 'per step: SessionJournal.append of the intent batch (model_turn + tool_planned + tool_started, file blobs, synced) + append of the result batch (tool_result + message_added, deferSync as the runner does)',
        intent_p50_ms: m((r) => r.intent.p50),
        result_p50_ms: m((r) => r.result.p50),
        cpu_p50_ms: m((r) => r.cpuP50),
        ...machine,
        above_leveldb_floor_ms: round(metrics.checkpoint_p50_ms - machine.leveldb_step_floor_ms),
        per_run: runs.map((r) => ({ p50: round(r.checkpoint.p50), p95: round(r.checkpoint.p95), max: round(r.checkpoint.max), mean: round(r.checkpoint.mean), intent_p50: round(r.intent.p50), result_p50: round(r.result.p50) })),
        store_bytes_allocated: m((r) => r.storeBytes),
      },
      rewind: {
        what: 'fresh process, imports not timed: openCheckpointStore + planRewind(files) + applyRewind (safety checkpoint commit, then NodeWorkspace writes); verified byte-exact after, not timed. Its code is the bundle, compiled through the code cache as the CLI and the editor compile theirs (bench/checkpoints/rewindBoot.ts); the figures are of the runs whose cache held the rewind (every rewind after the first), the first run\'s is code_cache.first_rewind_ms',
        code_cache: {
          what: 'how each run\'s rewind process compiled its code: used (the cache a previous rewind wrote), none (the first: it writes the cache at its end), not loaded through the code cache (run from out/)',
          per_run: runs.map((r) => r.rewind.code_cache),
          ...(cold.length ? { first_rewind_ms: round(median(cold.map((r) => r.rewind.ms))), first_rewind_cpu_ms: round(median(cold.map((r) => r.rewind.cpu_ms))) } : {}),
        },
        open_ms: w((r) => r.rewind.open_ms),
        plan_ms: w((r) => r.rewind.plan_ms),
        apply_ms: w((r) => r.rewind.apply_ms),
        cpu_ms: w((r) => r.rewind.cpu_ms),
        wall_ms: w((r) => r.rewind.wallMs),
        after_in_same_process: {
          what: 'not the target: in the same process after the timed rewind, as in the editor (store open, code run once): its undo, then the same rewind again, each preview + apply',
          undo_ms: w((r) => r.rewind.undo_ms),
          rewind_again_ms: w((r) => r.rewind.warm_ms),
        },
        floor: {
          what: 'not Savepoint: the same rewind\'s I/O that no durable rewind can skip, in a fresh process after it, with no Savepoint code (bench/checkpoints/rewindFloor.ts): LevelDB open, 40 values and the files read, one fdatasync\'ed append (the safety checkpoint), the written files as temporary file + fsync + rename, one fsync per folder',
          ms: w((r) => r.floor.ms),
          open_ms: w((r) => r.floor.open_ms),
          read_ms: w((r) => r.floor.read_ms),
          safety_ms: w((r) => r.floor.safety_ms),
          files_ms: w((r) => r.floor.files_ms),
          above_floor_ms: round(metrics.rewind_inproc_ms - median(timed.map((r) => r.floor.ms))),
          per_run: timed.map((r) => round(r.floor.ms)),
        },
        files_in_plan: runs[0]?.rewind.files,
        actions: runs[0]?.rewind.actions,
        written: runs[0]?.rewind.written,
        per_run: timed.map((r) => ({ ms: round(r.rewind.ms), open: round(r.rewind.open_ms), plan: round(r.rewind.plan_ms), apply: round(r.rewind.apply_ms), cpu: round(r.rewind.cpu_ms) })),
      },
      capture: {
        what: 'NodeChangeCapture as the product runs it (watcher, baseline contents kept) on this workspace: end() after sh -c modifying 8 files, creating 1, deleting 1 (bench/capture/captureBench.ts measure)',
        runs_ms: capture.ends.map((x) => round(x)),
        begin_ms: round(median(capture.begins)),
        baseline_ms: round(capture.baselineMs, 0),
        baseline_files: capture.baselineFiles,
        method: capture.method,
        examined: capture.examined,
        hashed: capture.hashed,
        sweep_capture_after_command_ms: round(median(capture.sweepEnds)),
        sweep_runs_ms: capture.sweepEnds.map((x) => round(x)),
        sweep_examined: capture.sweepExamined,
      },
      workspace: { bytes: ws.bytes, reused: ws.reused, git_repo: true },
      load_average_before: loadBefore,
      load_average_after: load(),
    },
  };
}

async function benchOne(o: Options, files: number) {
  const loadBefore = load();
  const workspace = join(o.dir, `workspace-f${files}`);
  const ws = await ensureWorkspace(workspace, o.seed, files);
  const scenario = new W1Scenario(o.seed, files);
  const runs: RunResult[] = [];
  // The product's code cache starts empty at each F: the first run's rewind compiles without it (and
  // writes it), the others' start with it, as every rewind after a user's first one does.
  const child = rewindProcess();
  await rm(process.env.SAVEPOINT_CODE_CACHE as string, { recursive: true, force: true });
  const total = child.cached ? o.runs + 1 : o.runs;
  for (let r = 0; r < total; r++) {
    log(`F=${files} run ${r + 1}/${total} (load ${load().join(' ')})`);
    const storeDir = join(o.dir, `store-f${files}-run${r + 1}`);
    runs.push(await runOnce({ scenario, workspace, storeDir, steps: o.steps, rewindTo: Math.floor(o.steps / 2), rewindChild: child.args, floorChild: join(__dirname, 'rewindFloor.js'), log }));
    if (!o.keep) await rm(storeDir, { recursive: true, force: true });
  }
  await resetHotFiles(scenario, workspace);
  const machine = await measureMachine(o.dir, o.steps);
  log(`F=${files} capture: baseline, then ${o.runs} commands`);
  const capture = await measureCapture(workspace, o.seed, files, o.runs);
  log(`  capture end() ${capture.ends.map((x) => x.toFixed(1)).join(', ')} ms (baseline ${(capture.baselineMs / 1000).toFixed(1)} s); without a watcher ${capture.sweepEnds.map((x) => x.toFixed(1)).join(', ')} ms`);
  return summarize(o, files, runs, capture, ws, loadBefore, machine);
}

/**
 * The fresh rewind process: the product's way (the bundle through the code cache, `rewindBoot.ts`)
 * when `npm run bench:checkpoints` has built dist/bench-rewind.js, else the modules of out/ (said so).
 */
function rewindProcess(): { args: string[]; cached: boolean } {
  const bundle = join(repoRoot(), 'dist', 'bench-rewind.js');
  if (existsSync(bundle)) return { args: [join(__dirname, 'rewindBoot.js'), bundle], cached: true };
  log('dist/bench-rewind.js not built (npm run bench:checkpoints builds it): the rewind runs from out/, without the code cache');
  return { args: [join(__dirname, 'rewindChild.js')], cached: false };
}

/** "Must not grow with F": the F=20,000 p50 within 25% (+0.05 ms of timer noise) of the F=2,000 p50. */
function growth(out: Record<string, { checkpoint_p50_ms: number }>) {
  const small = out.F2000?.checkpoint_p50_ms;
  const large = out.F20000?.checkpoint_p50_ms;
  if (small === undefined || large === undefined) return undefined;
  return { F2000: small, F20000: large, ratio: round(large / small, 2), rule: 'F20000 <= 1.25 x F2000 + 0.05 ms', pass: large <= 1.25 * small + 0.05 };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const o = parseArgs(process.argv.slice(2));
  await mkdir(o.dir, { recursive: true });
  // The rewind processes keep the product's code cache here, not in the user's cache folder.
  process.env.SAVEPOINT_CODE_CACHE = join(o.dir, 'code-cache');
  const out: Record<string, Awaited<ReturnType<typeof benchOne>>> = {};
  for (const files of o.sizes) out[`F${files}`] = await benchOne(o, files);
  const git = gitCommit(repoRoot());
  const unchanged = growth(out);
  process.stdout.write(
    JSON.stringify(
      {
        ...out,
        ...(unchanged ? { checkpoint_p50_unchanged_by_F: unchanged } : {}),
        node: process.version,
        commit: git.commit,
        commit_dirty: git.dirty,
        runs: o.runs,
        seed: o.seed,
        cpus: cpus().length,
        load_average: load(),
        bench_wall_s: round((performance.now() - t0) / 1000, 1),
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
