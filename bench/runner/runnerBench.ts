import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AnthropicLlmClient } from '../../src/core/model/anthropicLlmClient';
import { NodeProcessRunner } from '../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/core/node/nodeWorkspace';
import type { ApprovalPolicy } from '../../src/core/runner/approvalPolicy';
import { Runner } from '../../src/core/runner/runner';
import type { CheckpointStore } from '../../src/core/store/checkpointStore';
import { openCheckpointStore } from '../../src/core/store/openStore';
import { ScriptedModelServer } from '../../src/core/scripted/scriptedModelServer';
import { builtinTools } from '../../src/core/tools/registry';
import { emptyNodeMs, gitCommit, median, round } from '../store/measure';
import { writeWorkspace } from '../store/workspace';
import { benchScenario } from './benchScenario';
import { nullStore } from './nullStore';

/**
 * npm run bench:runner — what durability costs the agent loop, on W1 with a scripted model that
 * answers after 50 ms. Prints ONE JSON object:
 *   journal_overhead_pct     (wall time of the session with the LevelDB journal, syncWrites on)
 *                            / (the same loop with journaling off) - 1, in percent; target < 2
 *   resume_first_request_ms  a fresh process resuming a 200-step session: process start to the
 *                            first new model request; target <= 100
 * Approvals are set to auto so the loop measures journaling, not a person.
 */
const AUTO: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: [] };
const SEED = 1;
const log = (m: string) => process.stderr.write(`[bench:runner] ${m}\n`);

async function session(ws: string, store: CheckpointStore, server: ScriptedModelServer, stopAfterTurns?: number) {
  const ac = new AbortController();
  let results = 0;
  const runner = new Runner({
    store,
    llm: new AnthropicLlmClient({ apiKey: 'bench', baseURL: server.url }),
    tools: builtinTools(),
    toolContext: { workspace: new NodeWorkspace(ws), processes: new NodeProcessRunner(), diagnostics: { collect: async () => [] } },
    approvals: { ask: async () => ({ decision: 'approve' }) },
    ...(stopAfterTurns ? { probe: (p: string) => p === 'after:message_added' && ++results === stopAfterTurns && ac.abort('bench stop') } : {}),
  });
  const t0 = performance.now();
  const id = await runner.start({ task: 'W1 session', models: ['claude-sonnet-4-6'], policy: AUTO });
  const out = await runner.run(id, ac.signal);
  return { id, out, ms: performance.now() - t0 };
}

const CLI = resolve('dist', 'cli.js');

/** The product's own resume: the bundled CLI (npm run build), as a user runs it. */
function spawnCliResume(store: string, ws: string, url: string, id: string): Promise<{ spawnedAt: number; status: string }> {
  return new Promise((res, rej) => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [...(process.env.SAVEPOINT_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SAVEPOINT_CPU_PROF] : []), CLI, 'resume', id, '--workspace', ws, '--store', store, '--base-url', url, '--approvals', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => (code === 0 ? res({ spawnedAt, status: (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { status: string }).status }) : rej(new Error(`cli resume failed (${code}): ${stderr.slice(-2000)}`))));
  });
}

function spawnResume(args: string[]): Promise<{ spawnedAt: number; out: { status: string; importedMs: number; openedMs: number; firstRequestMs: number } }> {
  return new Promise((res, rej) => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [join(__dirname, 'resumeChild.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => (code === 0 ? res({ spawnedAt, out: JSON.parse(stdout) }) : rej(new Error(`resume child failed: ${stderr}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { steps: { type: 'string' }, latency: { type: 'string' }, runs: { type: 'string' }, files: { type: 'string' } } });
  const steps = Number(values.steps ?? 200);
  const latency = Number(values.latency ?? 50);
  const runs = Number(values.runs ?? 3);
  const files = Number(values.files ?? 2000);
  const base = resolve('.bench', 'runner');
  await rm(base, { recursive: true, force: true });
  const template = join(base, 'template');
  await writeWorkspace(template, SEED, files);
  const scenario = await benchScenario(template, SEED, files, steps, latency);

  const on: number[] = [];
  const off: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const mode of r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      const ws = join(base, `ws-${mode}-${r}`);
      await cp(template, ws, { recursive: true });
      const server = await ScriptedModelServer.start(scenario);
      const store = mode === 'on' ? await openCheckpointStore({ dir: join(base, `store-${r}`), onLocked: 'fail', syncWrites: true }) : nullStore();
      const { out, ms } = await session(ws, store, server);
      if (out.status !== 'completed' || server.violations().length) throw new Error(`${mode} run ${r}: ${out.status} ${JSON.stringify(server.violations())}`);
      (mode === 'on' ? on : off).push(ms);
      log(`run ${r + 1} journaling ${mode}: ${ms.toFixed(0)} ms for ${steps} steps`);
      await server.close();
      if (mode === 'on') await store.close();
      await rm(ws, { recursive: true, force: true });
    }
  }

  // A 200-step session paused before its last turn, resumed by fresh processes.
  const ws = join(base, 'ws-resume');
  await cp(template, ws, { recursive: true });
  const server = await ScriptedModelServer.start(scenario);
  const pausedDir = join(base, 'store-paused');
  const store = await openCheckpointStore({ dir: pausedDir, onLocked: 'fail', syncWrites: true });
  const paused = await session(ws, store, server, steps);
  await store.close();
  if (paused.out.status !== 'paused') throw new Error(`expected a paused session, got ${paused.out.status}`);
  const firsts: number[] = [];
  const inproc: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dir = join(base, `store-resume-${r}`);
    await cp(pausedDir, dir, { recursive: true });
    const before = server.requestCount();
    if (r > 0) server.push({ type: 'message', content: [{ type: 'text', text: 'Done.' }] });
    const { spawnedAt, out } = await spawnResume([dir, ws, server.url, paused.id]);
    const req = server.requests()[before];
    if (out.status !== 'completed' || !req) throw new Error(`resume ${r}: ${out.status}`);
    firsts.push(req.at - spawnedAt);
    inproc.push(out.firstRequestMs - out.importedMs);
    log(`resume ${r + 1}: first request ${req.at - spawnedAt} ms after spawn (in process: ${(out.firstRequestMs - out.importedMs).toFixed(1)} ms after imports, open ${(out.openedMs - out.importedMs).toFixed(1)} ms)`);
  }
  const cliFirsts: number[] = [];
  if (existsSync(CLI)) {
    for (let r = 0; r < runs; r++) {
      const dir = join(base, `store-cli-${r}`);
      await cp(pausedDir, dir, { recursive: true });
      const before = server.requestCount();
      server.push({ type: 'message', content: [{ type: 'text', text: 'Done.' }] });
      const { spawnedAt, status } = await spawnCliResume(dir, ws, server.url, paused.id);
      const req = server.requests()[before];
      if (status !== 'completed' || !req) throw new Error(`cli resume ${r}: ${status}`);
      cliFirsts.push(req.at - spawnedAt);
      log(`cli resume ${r + 1}: first request ${req.at - spawnedAt} ms after spawn`);
    }
  } else log('dist/cli.js not built (npm run build): the bundled CLI resume is not measured');
  await server.close();
  const overhead = ((median(on) - median(off)) / median(off)) * 100;
  const emptyNode = await emptyNodeMs();
  const { commit, dirty } = gitCommit(process.cwd());
  const result = {
    journal_overhead_pct: round(overhead, 2),
    resume_first_request_ms: cliFirsts.length ? round(median(cliFirsts), 1) : round(median(firsts), 1),
    resume_first_request_via: cliFirsts.length ? 'dist/cli.js resume (bundled CLI)' : 'out/ modules',
    resume_first_request_unbundled_ms: round(median(firsts), 1),
    resume_first_request_inproc_ms: round(median(inproc), 1),
    empty_node_ms: round(emptyNode, 1),
    session_ms_journaled: round(median(on), 0),
    session_ms_unjournaled: round(median(off), 0),
    per_step_overhead_ms: round((median(on) - median(off)) / steps, 3),
    S: steps, F: files, model_latency_ms: latency, runs, node: process.version, commit, commit_dirty: dirty,
    targets: { journal_overhead_pct: { target: 2, pass: overhead < 2 }, resume_first_request_ms: { target: 100, pass: median(cliFirsts.length ? cliFirsts : firsts) <= 100 } },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await rm(base, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
