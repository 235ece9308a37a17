import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deflateRawSync } from 'node:zlib';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { BlobHash, SessionId } from '../../src/core/store/types';
import { CommitBuilder, type FileChange } from './checkpoint';
import { bytesAllocated, emptyNodeMs, fsyncFloorMs, percentile, runNode } from './measure';
import { HotFileModel, type StepPlan, type W1Scenario } from './scenario';
import { relPath } from './workspace';

/**
 * One W1 run: a fresh store, S checkpointed steps (only `store.commit` is timed), the store's size
 * once closed, then a fresh process that resumes the session and one that rewinds the hot files to
 * step S/2; both are verified against what the generator knows.
 */
export interface RunConfig {
  scenario: W1Scenario;
  workspace: string;
  storeDir: string;
  steps: number;
  snapshotEvery: number;
  childScript: string;
  log: (msg: string) => void;
}

export interface RunResult {
  checkpoint: { p50: number; p95: number; max: number; mean: number; cpuP50: number };
  storeBytes: { allocated: number; apparent: number; files: number };
  newBytes: number;
  /** Store bytes handed in vs. their deflated size, per record (what the store's codec can do). */
  deflateRatio: number;
  snapshotsWritten: number;
  resume: ResumeOut & { wallMs: number };
  rewind: RewindOut & { wallMs: number };
  emptyNodeMs: number;
  fsyncFloorMs: number;
  /** Commit p50 of the same session with syncWrites off: the store's own cost. */
  noSyncP50: number;
}

interface ResumeOut {
  ms: number;
  cpu_ms: number;
  open_ms: number;
  journal_ms: number;
  blobs_ms: number;
  snapshotSeq: number;
  tailEvents: number;
  messages: number;
  stepCount: number;
  files: Record<string, BlobHash>;
  digest: string;
  damaged: boolean;
}

interface RewindOut {
  ms: number;
  cpu_ms: number;
  open_ms: number;
  journal_ms: number;
  restore_ms: number;
  files: number;
}

const enc = new TextEncoder();

interface Written {
  sessionId: SessionId;
  builder: CommitBuilder;
  commitMs: number[];
  /** CPU time (all threads) during each commit: what the store costs apart from waiting on the disk. */
  commitCpuMs: number[];
  atMid: Map<number, string>;
  snapshotsWritten: number;
  deflateRatio: number;
}

async function resetHotFiles(cfg: RunConfig, model: HotFileModel): Promise<void> {
  await Promise.all(cfg.scenario.hot.map((f) => writeFile(join(cfg.workspace, relPath(f)), model.text(f))));
}

async function applyEdit(cfg: RunConfig, model: HotFileModel, plan: StepPlan): Promise<FileChange | undefined> {
  if (!plan.edit) return undefined;
  const { before, after } = model.apply(plan.edit);
  await writeFile(join(cfg.workspace, plan.edit.path), after);
  return { path: plan.edit.path, before: enc.encode(before), after: enc.encode(after) };
}

function deflated(texts: readonly string[]): number {
  let raw = 0;
  let z = 0;
  for (const t of texts) {
    raw += t.length;
    z += deflateRawSync(t, { level: 6 }).length;
  }
  return raw / z;
}

async function writeSession(cfg: RunConfig, dir: string, syncWrites: boolean): Promise<Written> {
  const model = new HotFileModel(cfg.scenario.seed);
  await resetHotFiles(cfg, model);
  await rm(dir, { recursive: true, force: true });
  const store = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites, snapshotEvery: cfg.snapshotEvery });
  const session = await store.createSession({ title: `W1: refactor ${cfg.scenario.fileCount} files, ${cfg.steps} steps` });
  const builder = new CommitBuilder(session.id);
  const mid = Math.floor(cfg.steps / 2);
  const commitMs: number[] = [];
  const commitCpuMs: number[] = [];
  const texts: string[] = [];
  let atMid = model.texts(cfg.scenario.hot);
  let snapshotsWritten = 0;
  for (let step = 1; step <= cfg.steps; step++) {
    const plan = cfg.scenario.plan(step);
    const change = await applyEdit(cfg, model, plan);
    const commit = builder.build(plan, change);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await store.commit(commit);
    commitMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(c0);
    commitCpuMs.push((cpu.user + cpu.system) / 1000);
    builder.head = result.headSeq;
    if (result.snapshotWritten) snapshotsWritten++;
    if (step === mid) atMid = model.texts(cfg.scenario.hot);
    texts.push(plan.assistant, plan.user, ...(plan.compilerOutput === undefined ? [] : [plan.compilerOutput]));
  }
  await store.close();
  return { sessionId: session.id, builder, commitMs, commitCpuMs, atMid, snapshotsWritten, deflateRatio: deflated(texts) };
}

function checkResume(cfg: RunConfig, w: Written, r: ResumeOut): void {
  const problems: string[] = [];
  if (r.damaged) problems.push('the store reported damage');
  if (r.stepCount !== cfg.steps) problems.push(`stepCount ${r.stepCount}`);
  if (r.messages !== 2 * cfg.steps) problems.push(`${r.messages} messages`);
  if (r.digest !== w.builder.conversationDigest()) problems.push('the conversation differs');
  if (JSON.stringify(sortKeys(r.files)) !== JSON.stringify(sortKeys(w.builder.state.files))) problems.push('hot file hashes differ');
  if (problems.length) throw new Error(`resume verification failed: ${problems.join('; ')}`);
}

function sortKeys(o: Record<string, string>): [string, string][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
}

async function checkRewind(cfg: RunConfig, atMid: Map<number, string>): Promise<void> {
  const wrong: string[] = [];
  for (const [file, text] of atMid) {
    const onDisk = await readFile(join(cfg.workspace, relPath(file)), 'utf8');
    if (onDisk !== text) wrong.push(relPath(file));
  }
  if (wrong.length) throw new Error(`rewind verification failed for ${wrong.length} files: ${wrong.join(', ')}`);
}

/** The fresh-process measurements: resume at the latest step, then rewind to step S/2; both verified. */
async function freshProcesses(cfg: RunConfig, w: Written) {
  const empty = await emptyNodeMs();
  const resume = await runNode<ResumeOut>([cfg.childScript, 'resume', cfg.storeDir, w.sessionId]);
  checkResume(cfg, w, resume.out);
  const mid = Math.floor(cfg.steps / 2);
  const rewind = await runNode<RewindOut>([cfg.childScript, 'rewind', cfg.storeDir, w.sessionId, cfg.workspace, String(mid)]);
  await checkRewind(cfg, w.atMid);
  cfg.log(`  resume ${resume.out.ms.toFixed(2)} ms in-process (${resume.wallMs.toFixed(1)} ms wall, empty node ${empty.toFixed(1)} ms); rewind ${rewind.out.ms.toFixed(2)} ms; verified`);
  return { empty, resume, rewind };
}

/** Context for the commit figures: the disk's own fdatasync floor, and the same session without fsync. */
async function commitContext(cfg: RunConfig): Promise<{ floor: number; noSyncP50: number }> {
  const floor = fsyncFloorMs(cfg.storeDir, cfg.steps);
  const noSyncDir = `${cfg.storeDir}-nosync`;
  const noSync = await writeSession(cfg, noSyncDir, false);
  await rm(noSyncDir, { recursive: true, force: true });
  const noSyncP50 = percentile(noSync.commitMs, 50);
  cfg.log(`  fdatasync floor p50 ${floor.toFixed(3)} ms; commit p50 without fsync ${noSyncP50.toFixed(3)} ms`);
  return { floor, noSyncP50 };
}

export async function runOnce(cfg: RunConfig): Promise<RunResult> {
  const w = await writeSession(cfg, cfg.storeDir, true);
  const storeBytes = await bytesAllocated(cfg.storeDir);
  cfg.log(`  ${cfg.steps} commits, p50 ${percentile(w.commitMs, 50).toFixed(3)} ms; store ${storeBytes.allocated} B allocated`);
  const fresh = await freshProcesses(cfg, w);
  const context = await commitContext(cfg);
  return {
    checkpoint: {
      p50: percentile(w.commitMs, 50),
      p95: percentile(w.commitMs, 95),
      max: Math.max(...w.commitMs),
      mean: w.commitMs.reduce((a, b) => a + b, 0) / w.commitMs.length,
      cpuP50: percentile(w.commitCpuMs, 50),
    },
    storeBytes,
    newBytes: w.builder.newBytes,
    deflateRatio: w.deflateRatio,
    snapshotsWritten: w.snapshotsWritten,
    resume: { ...fresh.resume.out, wallMs: fresh.resume.wallMs },
    rewind: { ...fresh.rewind.out, wallMs: fresh.rewind.wallMs },
    emptyNodeMs: fresh.empty,
    fsyncFloorMs: context.floor,
    noSyncP50: context.noSyncP50,
  };
}
