import { performance } from 'node:perf_hooks';
import { applyRewind, undoRewind } from '../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../src/core/node/nodeWorkspace';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { SessionId } from '../../src/core/store/types';

/**
 * The fresh process of the rewind measurement: imports first (not timed), then opens the store and
 * runs the product's rewind of the files to the end of STEP (preview + apply, which commits the
 * safety checkpoint before writing). Then, in the same process, the store open and the code run
 * once, as in the editor after a first rewind: the undo of that rewind (preview + apply) and the
 * same rewind again, each timed on its own (not the target's figure, which is the first). Prints one
 * JSON line; the parent verifies the files (at STEP again after the second rewind).
 *   node rewindChild.js STORE SESSION WORKSPACE STEP
 */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};

async function main(): Promise<Record<string, unknown>> {
  const [dir, sid, root, step] = process.argv.slice(2);
  if (!dir || !sid || !root || !step) throw new Error('usage: rewindChild.js STORE SESSION WORKSPACE STEP');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const store = await openCheckpointStore({ dir, onLocked: 'fail' });
  const t1 = performance.now();
  const workspace = new NodeWorkspace(root);
  const plan = await planRewind(store, workspace, sid as SessionId, Number(step));
  const t2 = performance.now();
  const result = await applyRewind(store, workspace, plan);
  const t3 = performance.now();
  const cpu = cpuMs(c0);
  const undone = await undoRewind(store, workspace, await planUndo(store, workspace, sid as SessionId, result.rewindId));
  const t4 = performance.now();
  const again = await applyRewind(store, workspace, await planRewind(store, workspace, sid as SessionId, Number(step)));
  const t5 = performance.now();
  if (undone.written.length !== result.written.length || again.written.length !== result.written.length) {
    throw new Error(`the undo wrote ${undone.written.length} files and the second rewind ${again.written.length}, the first ${result.written.length}`);
  }
  await store.close();
  const t6 = performance.now();
  const actions: Record<string, number> = {};
  for (const f of plan.files) actions[f.action] = (actions[f.action] ?? 0) + 1;
  return {
    ms: t3 - t0,
    // Set by rewindBoot.ts: how this process's code was compiled (run directly from out/, without the cache).
    code_cache: process.env.SAVEPOINT_BENCH_CODE_CACHE ?? 'not loaded through the code cache',
    cpu_ms: cpu,
    open_ms: t1 - t0,
    plan_ms: t2 - t1,
    apply_ms: t3 - t2,
    close_ms: t6 - t5,
    undo_ms: t4 - t3,
    warm_ms: t5 - t4,
    files: plan.files.length,
    actions,
    conflicts: plan.files.filter((f) => f.conflict).length,
    written: result.written.length,
    written_paths: result.written,
    skipped: result.skipped,
  };
}

main().then(
  (out) => process.stdout.write(JSON.stringify(out) + '\n'),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
