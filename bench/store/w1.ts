import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildListStore } from './listFixture';
import { argReader, gitCommit, median, round, runNode, syncDirTree } from './measure';
import { W1Scenario } from './scenario';
import { type RunResult, runOnce } from './sessionRun';
import { writeWorkspace } from './workspace';

/**
 * Workload W1 (../../../shared/bench/W1.md): per-step checkpointing of a coding session.
 *   npm run bench:store -- [--files 2000] [--steps 200] [--runs 3] [--seed 1] [--snapshot-every 64]
 *                          [--sessions 1000] [--scale] [--dir .bench/w1] [--keep] [--skip-list]
 * --scale is F = 20,000 and S = 2,000 (unless --files/--steps say otherwise).
 * One JSON object on stdout (each metric the median over the runs); progress on stderr.
 */
interface Options {
  files: number;
  steps: number;
  runs: number;
  seed: number;
  snapshotEvery: number;
  sessions: number;
  dir: string;
  keep: boolean;
  scale: boolean;
  skipList: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const { value, num } = argReader(argv);
  const scale = argv.includes('--scale');
  return {
    files: num('files', scale ? 20_000 : 2000),
    steps: num('steps', scale ? 2000 : 200),
    runs: num('runs', 3),
    seed: num('seed', 1),
    snapshotEvery: num('snapshot-every', 64),
    sessions: num('sessions', 1000),
    dir: resolve(value('dir') ?? join(__dirname, '..', '..', '..', '.bench', 'w1')),
    keep: argv.includes('--keep'),
    scale,
    skipList: argv.includes('--skip-list'),
  };
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** Writes the workspace unless the same (seed, F) is already there; hot files are reset per run. */
async function ensureWorkspace(root: string, seed: number, files: number): Promise<{ bytes: number; reused: boolean }> {
  const marker = join(root, '.w1-fixture.json');
  try {
    const m = JSON.parse(await readFile(marker, 'utf8')) as { seed: number; files: number; bytes: number };
    if (m.seed === seed && m.files === files) return { bytes: m.bytes, reused: true };
  } catch {
    // No fixture yet (or a damaged marker): write a fresh one.
  }
  await rm(root, { recursive: true, force: true });
  const t0 = performance.now();
  const info = await writeWorkspace(root, seed, files);
  log(`workspace: ${files} files, ${(info.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await writeFile(marker, JSON.stringify({ seed, files, bytes: info.bytes }));
  return { bytes: info.bytes, reused: false };
}

interface ListOut {
  ms: number;
  cpu_ms: number;
  open_ms: number;
  list_ms: number;
  sessions: number;
  steps: number;
  sorted: boolean;
  ids: number;
  pages: number;
  via: 'snapshot' | 'store';
}

async function measureList(o: Options, childScript: string): Promise<{ ms: number[]; detail: ListOut[]; throughStore: ListOut[]; buildMs: number }> {
  const source = join(o.dir, `list-${o.sessions}-source`);
  const dir = join(o.dir, `list-${o.sessions}`);
  log(`list fixture: ${o.sessions} sessions x 20 steps ...`);
  const fixture = await buildListStore(source, o.seed, o.sessions, 20);
  log(`  built in ${(fixture.buildMs / 1000).toFixed(1)} s`);
  const detail: ListOut[] = [];
  const throughStore: ListOut[] = [];
  for (let r = 0; r < o.runs; r++) {
    // Every run sees the store as its writer left it (LevelDB converts the log on the first open), at rest on disk.
    await rm(dir, { recursive: true, force: true });
    await cp(source, dir, { recursive: true });
    syncDirTree(dir);
    // As `savepoint list` does (the list the writer's clean close left), then through LevelDB in the same copy.
    const { out } = await runNode<ListOut>([childScript, 'list', dir]);
    const { out: store } = await runNode<ListOut>([childScript, 'list-store', dir]);
    for (const x of [out, store]) {
      if (x.sessions !== o.sessions || x.ids !== o.sessions || !x.sorted || x.steps !== o.sessions * 20) {
        throw new Error(`list verification failed: ${JSON.stringify(x)}`);
      }
    }
    log(`  list run ${r + 1}: ${out.ms.toFixed(2)} ms (${out.via}); through the store ${store.ms.toFixed(2)} ms (open ${store.open_ms.toFixed(2)} ms), verified`);
    detail.push(out);
    throughStore.push(store);
  }
  if (!o.keep) {
    await rm(dir, { recursive: true, force: true });
    await rm(source, { recursive: true, force: true });
  }
  return { ms: detail.map((d) => d.ms), detail, throughStore, buildMs: fixture.buildMs };
}

function target(value: number, limit: number) {
  return { value: round(value), target: limit, pass: value <= limit };
}

function summarize(o: Options, runs: RunResult[], list: Awaited<ReturnType<typeof measureList>>, ws: { bytes: number; reused: boolean }, t0: number) {
  const m = (f: (r: RunResult) => number) => median(runs.map(f));
  const git = gitCommit(resolve(__dirname, '..', '..', '..'));
  const storeTarget = 1.3e6 * (o.steps / 200);
  const metrics = {
    checkpoint_p50_ms: round(m((r) => r.checkpoint.p50)),
    checkpoint_p95_ms: round(m((r) => r.checkpoint.p95)),
    checkpoint_max_ms: round(m((r) => r.checkpoint.max)),
    store_bytes_allocated: m((r) => r.storeBytes.allocated),
    resume_inproc_ms: round(m((r) => r.resume.ms)),
    resume_whole_ms: round(m((r) => r.resume.wallMs - r.emptyNodeMs)),
    rewind_inproc_ms: round(m((r) => r.rewind.ms)),
    list_sessions_1000_ms: list.ms.length ? round(median(list.ms)) : null,
  };
  const targets = {
    checkpoint_p50_ms: target(metrics.checkpoint_p50_ms, 1),
    store_bytes_allocated: target(metrics.store_bytes_allocated, storeTarget),
    resume_inproc_ms: target(metrics.resume_inproc_ms, 50),
    rewind_inproc_ms: target(metrics.rewind_inproc_ms, 30),
    ...(metrics.list_sessions_1000_ms === null ? {} : { list_sessions_1000_ms: target(metrics.list_sessions_1000_ms, 20) }),
  };
  return {
    ...metrics,
    F: o.files,
    S: o.steps,
    node: process.version,
    commit: git.commit,
    commit_dirty: git.dirty,
    runs: o.runs,
    seed: o.seed,
    targets: { ...targets, all_pass: Object.values(targets).every((t) => t.pass) },
    details: details(o, runs, list, ws, storeTarget, t0),
  };
}

function details(o: Options, runs: RunResult[], list: Awaited<ReturnType<typeof measureList>>, ws: { bytes: number; reused: boolean }, storeTarget: number, t0: number) {
  return {
    sync_writes: true,
    snapshot_every: o.snapshotEvery,
    store_target_note: o.steps === 200 ? undefined : `store target scaled to S: 1.3 MB x ${o.steps}/200 = ${storeTarget} B`,
    workspace: { bytes: ws.bytes, reused: ws.reused, git_repo: false },
    new_bytes: runs[0]?.newBytes,
    text_deflate_ratio: round(runs[0]?.deflateRatio ?? NaN, 2),
    per_run: runs.map((r) => ({
      checkpoint_ms: { p50: round(r.checkpoint.p50), p95: round(r.checkpoint.p95), max: round(r.checkpoint.max), mean: round(r.checkpoint.mean), cpu_p50: round(r.checkpoint.cpuP50) },
      store: r.storeBytes,
      snapshots_written: r.snapshotsWritten,
      resume: { inproc_ms: round(r.resume.ms), cpu_ms: round(r.resume.cpu_ms), open_ms: round(r.resume.open_ms), journal_ms: round(r.resume.journal_ms), blobs_ms: round(r.resume.blobs_ms), wall_ms: round(r.resume.wallMs), snapshot_seq: r.resume.snapshotSeq, tail_events: r.resume.tailEvents, messages: r.resume.messages },
      rewind: { inproc_ms: round(r.rewind.ms), cpu_ms: round(r.rewind.cpu_ms), open_ms: round(r.rewind.open_ms), journal_ms: round(r.rewind.journal_ms), restore_ms: round(r.rewind.restore_ms), wall_ms: round(r.rewind.wallMs), files: r.rewind.files },
      empty_node_ms: round(r.emptyNodeMs),
      fdatasync_floor_p50_ms: round(r.fsyncFloorMs),
      checkpoint_nosync_p50_ms: round(r.noSyncP50),
    })),
    fdatasync_floor_p50_ms: round(median(runs.map((r) => r.fsyncFloorMs))),
    checkpoint_nosync_p50_ms: round(median(runs.map((r) => r.noSyncP50))),
    empty_node_ms: round(median(runs.map((r) => r.emptyNodeMs))),
    load_average: loadavg().map((x) => round(x, 2)),
    cpus: cpus().length,
    list: {
      sessions: o.sessions,
      steps_each: 20,
      build_ms: round(list.buildMs, 0),
      what: 'as `savepoint list`: the rows the clean close left beside the store (valid while CURRENT names the MANIFEST they were written under), else through LevelDB',
      runs: list.detail.map((d) => ({ ms: round(d.ms), via: d.via, cpu_ms: round(d.cpu_ms), open_ms: round(d.open_ms), list_ms: round(d.list_ms), pages: d.pages })),
      through_store_ms: list.throughStore.length ? round(median(list.throughStore.map((d) => d.ms))) : null,
      through_store_runs: list.throughStore.map((d) => ({ ms: round(d.ms), cpu_ms: round(d.cpu_ms), open_ms: round(d.open_ms), list_ms: round(d.list_ms), pages: d.pages })),
    },
    bench_wall_s: round((performance.now() - t0) / 1000, 1),
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const o = parseArgs(process.argv.slice(2));
  const childScript = join(__dirname, 'child.js');
  await mkdir(o.dir, { recursive: true });
  const workspace = join(o.dir, `workspace-f${o.files}`);
  const ws = await ensureWorkspace(workspace, o.seed, o.files);
  const scenario = new W1Scenario(o.seed, o.files);
  const runs: RunResult[] = [];
  for (let r = 0; r < o.runs; r++) {
    log(`run ${r + 1}/${o.runs}: F=${o.files} S=${o.steps}`);
    const storeDir = join(o.dir, `store-run${r + 1}`);
    runs.push(await runOnce({ scenario, workspace, storeDir, steps: o.steps, snapshotEvery: o.snapshotEvery, childScript, log }));
    if (!o.keep) await rm(storeDir, { recursive: true, force: true });
  }
  const list = o.skipList ? { ms: [], detail: [], throughStore: [], buildMs: 0 } : await measureList(o, childScript);
  process.stdout.write(JSON.stringify(summarize(o, runs, list, ws, t0), null, 2) + '\n');
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
