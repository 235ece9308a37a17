import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AstOutliner } from '../../src/core/code/astOutline';
import { NodeWorkspace } from '../../src/core/node/nodeWorkspace';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { SessionId } from '../../src/core/store/types';
import { bytesAllocated, percentile, runNode } from '../store/measure';
import { HotFileModel, type W1Scenario } from '../store/scenario';
import { relPath } from '../store/workspace';
import { type FileEdit, RunnerSession, type StepTiming } from './runnerSession';

/**
 * One run at one F: a fresh store, the W1 session journaled through the runner's path (both
 * appends of every step timed), the store closed; then a fresh process rewinds the files to step
 * `rewindTo` with the product's planRewind + applyRewind, and the hot files are compared byte for
 * byte with the generator's copy at that step (not timed).
 */
export interface RunConfig {
  scenario: W1Scenario;
  workspace: string;
  storeDir: string;
  steps: number;
  rewindTo: number;
  /** The fresh rewind process's leading arguments to node: rewindBoot.js and the bundle, or rewindChild.js from out/. */
  rewindChild: string[];
  /** `rewindFloor.js`: the same rewind's unavoidable I/O without Savepoint's code, run after it. */
  floorChild: string;
  log: (msg: string) => void;
}

export interface RewindOut {
  ms: number;
  cpu_ms: number;
  open_ms: number;
  plan_ms: number;
  apply_ms: number;
  close_ms: number;
  /** In the same process after the timed rewind: its undo, then the same rewind again (store open, code run once). */
  undo_ms: number;
  warm_ms: number;
  files: number;
  written_paths: string[];
  actions: Record<string, number>;
  conflicts: number;
  written: number;
  skipped: string[];
  /** How the process's code was compiled (`CodeCacheState`, from rewindBoot.ts), or that it ran from out/. */
  code_cache: string;
}

export interface Stats {
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export interface RunResult {
  checkpoint: Stats;
  intent: Stats;
  result: Stats;
  cpuP50: number;
  storeBytes: number;
  rewind: RewindOut & { wallMs: number };
  floor: RewindFloor;
}

/** `rewindFloor.ts`'s line: the unavoidable I/O of the same rewind in a fresh process, without Savepoint's code. */
export interface RewindFloor {
  ms: number;
  open_ms: number;
  read_ms: number;
  safety_ms: number;
  files_ms: number;
  files: number;
}

const enc = new TextEncoder();

export const stats = (xs: readonly number[]): Stats => ({
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  max: Math.max(...xs),
  mean: xs.reduce((a, b) => a + b, 0) / xs.length,
});

/** Puts every hot file back to its original text (a run, or an earlier interrupted one, changed them). */
export async function resetHotFiles(scenario: W1Scenario, workspace: string): Promise<void> {
  const model = new HotFileModel(scenario.seed);
  await Promise.all(scenario.hot.map((f) => writeFile(join(workspace, relPath(f)), model.text(f))));
}

export async function writeSession(cfg: RunConfig): Promise<{ id: SessionId; timings: StepTiming[]; atTarget: Map<number, string> }> {
  await resetHotFiles(cfg.scenario, cfg.workspace);
  await rm(cfg.storeDir, { recursive: true, force: true });
  // The extension's settings: syncWrites on, a snapshot every 64 events.
  const store = await openCheckpointStore({ dir: cfg.storeDir, onLocked: 'fail', syncWrites: true, snapshotEvery: 64 });
  const ws = new NodeWorkspace(cfg.workspace);
  const model = new HotFileModel(cfg.scenario.seed);
  // The extension's outliner (web-tree-sitter): every edit step keeps the file's outline, as the runner's do.
  const outliner = await AstOutliner.create();
  const session = await RunnerSession.start(store, `W1: refactor ${cfg.scenario.fileCount} files, ${cfg.steps} steps`, outliner);
  const timings: StepTiming[] = [];
  let atTarget = model.texts(cfg.scenario.hot);
  for (let step = 1; step <= cfg.steps; step++) {
    const plan = cfg.scenario.plan(step);
    let edit: FileEdit | undefined;
    if (plan.edit) {
      const { before, after } = model.apply(plan.edit);
      edit = { path: plan.edit.path, before: enc.encode(before), after: enc.encode(after) };
    }
    const write = edit;
    timings.push(await session.step(plan, edit, async () => (write ? ws.writeFile(write.path, write.after) : undefined)));
    if (step === cfg.rewindTo) atTarget = model.texts(cfg.scenario.hot);
  }
  await session.pause();
  outliner.dispose();
  await store.close();
  return { id: session.id, timings, atTarget };
}

async function verify(cfg: RunConfig, expected: Map<number, string>): Promise<void> {
  const wrong: string[] = [];
  for (const [file, text] of expected) {
    const disk = await readFile(join(cfg.workspace, relPath(file)));
    if (!disk.equals(Buffer.from(text, 'utf8'))) wrong.push(relPath(file));
  }
  if (wrong.length) throw new Error(`rewind verification failed for ${wrong.length} files: ${wrong.join(', ')}`);
}

export async function runOnce(cfg: RunConfig): Promise<RunResult> {
  const w = await writeSession(cfg);
  const checkpoint = stats(w.timings.map((t) => t.intentMs + t.resultMs));
  const storeBytes = (await bytesAllocated(cfg.storeDir)).allocated;
  cfg.log(`  ${cfg.steps} steps journaled: checkpoint p50 ${checkpoint.p50.toFixed(3)} ms, p95 ${checkpoint.p95.toFixed(3)} ms; store ${storeBytes} B`);
  const rewind = await runNode<RewindOut>([...cfg.rewindChild, cfg.storeDir, w.id, cfg.workspace, String(cfg.rewindTo)]);
  if (rewind.out.skipped.length) throw new Error(`the rewind skipped ${rewind.out.skipped.join(', ')}`);
  await verify(cfg, w.atTarget);
  const floor = await runNode<RewindFloor>([cfg.floorChild, cfg.storeDir, cfg.workspace, ...rewind.out.written_paths]);
  await verify(cfg, w.atTarget);
  const r = rewind.out;
  cfg.log(`  rewind to step ${cfg.rewindTo}: ${r.ms.toFixed(2)} ms (open ${r.open_ms.toFixed(2)}, plan ${r.plan_ms.toFixed(2)}, apply ${r.apply_ms.toFixed(2)}; code cache: ${r.code_cache}), ${r.written} files written, verified; floor ${floor.out.ms.toFixed(2)} ms`);
  return {
    checkpoint,
    intent: stats(w.timings.map((t) => t.intentMs)),
    result: stats(w.timings.map((t) => t.resultMs)),
    cpuP50: percentile(w.timings.map((t) => t.cpuMs), 50),
    storeBytes,
    rewind: { ...r, wallMs: rewind.wallMs },
    floor: floor.out,
  };
}
