import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpointStore } from '../core/store/openStore';
import type { JournalEvent, SessionId } from '../core/store/types';

/**
 * The store's demo: a writer process checkpoints an agent session step by step and is killed with
 * SIGKILL part-way; a fresh process then reopens the store, shows what survived, and resumes.
 *   node out/src/cli/storeDemo.js [--dir DIR] [--steps N] [--kill-after N]
 */
const STEPS_DEFAULT = 12;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const enc = new TextEncoder();

function stepContent(step: number) {
  return {
    thought: `Step ${step}: reading src/module${step % 4}.ts and adjusting the parser for case ${step}.`,
    file: `// src/module${step % 4}.ts after step ${step}\nexport const version = ${step};\n`,
  };
}

/** Child mode: writes steps until it is killed (or done), reporting each committed step. */
async function writer(dir: string, sessionId: SessionId, from: number, to: number): Promise<void> {
  const store = await openCheckpointStore({ dir, onLocked: 'fail', snapshotEvery: 8 });
  let summary = await store.getSession(sessionId);
  if (!summary) summary = await store.createSession({ id: sessionId, title: 'Demo: refactor the parser' });
  let head = summary.headSeq;
  for (let step = from; step <= to; step++) {
    const c = stepContent(step);
    const r = await store.commit({
      sessionId,
      expectedHeadSeq: head,
      events: [
        { step, type: 'model_turn', data: { text: c.thought } },
        { step, type: 'file_change', data: { path: `src/module${step % 4}.ts` } },
      ],
      blobs: [{ content: enc.encode(c.file) }],
      effects: [{ step, actionId: `edit-${step}`, phase: 'result', data: { ok: true } }],
      summary: { stepCount: step, status: step === to ? 'completed' : 'running' },
      snapshot: () => ({ lastStep: step }),
    });
    head = r.headSeq;
    process.stdout.write(`committed ${step}\n`);
    await new Promise((res) => setTimeout(res, 40));
  }
  await store.close();
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) total += (await stat(join(dir, f))).blocks * 512;
  return total;
}

function runWriter(dir: string, sid: SessionId, from: number, to: number, killAfter?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, '--child', dir, sid, String(from), String(to)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = from - 1;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const m = /^committed (\d+)$/.exec(line);
        if (!m) continue;
        last = Number(m[1]);
        if (killAfter !== undefined && last >= killAfter) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve(last);
      else reject(new Error(`writer exited with ${code ?? signal}`));
    });
  });
}

function line(e: JournalEvent): string {
  const data = e.data as { text?: string; path?: string };
  return `  #${String(e.seq).padStart(3)}  step ${String(e.step).padStart(2)}  ${e.type.padEnd(11)} ${data.text ?? data.path ?? ''}`;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const [dir, sid, from, to] = process.argv.slice(3);
    return writer(dir as string, sid as SessionId, Number(from), Number(to));
  }
  const steps = Number(arg('steps', String(STEPS_DEFAULT)));
  const killAfter = Number(arg('kill-after', String(Math.floor(steps / 2))));
  const own = process.argv.includes('--dir') ? undefined : await mkdtemp(join(tmpdir(), 'savepoint-demo-'));
  const dir = own ?? arg('dir', '');
  const sid = `demo-${Date.now()}` as SessionId;
  console.log(`Savepoint store demo — store in ${dir}\n`);
  console.log(`1. A writer process checkpoints a ${steps}-step session; it is killed with SIGKILL after step ${killAfter}.`);
  const reached = await runWriter(dir, sid, 1, steps, killAfter);
  console.log(`   killed; the writer had reported step ${reached} as committed.\n`);

  console.log('2. A fresh process reopens the store and resumes from the latest snapshot + journal tail:');
  let store = await openCheckpointStore({ dir });
  const load = await store.loadSession<{ lastStep: number }>(sid);
  const tail: JournalEvent[] = [];
  for await (const e of load.tail) tail.push(e);
  const damage = load.damage();
  console.log(`   session "${load.summary.title}": ${load.summary.stepCount} steps, status ${load.summary.status}`);
  console.log(`   snapshot after event #${load.snapshot?.seq ?? 0} (step ${load.snapshot?.state.lastStep ?? 0}), then ${tail.length} events replayed:`);
  for (const e of tail) console.log(line(e));
  console.log(`   integrity: ${damage ? `DAMAGED at #${damage.lastValidSeq + 1}` : 'every record verified'}`);
  const effects = await store.listEffects(sid);
  console.log(`   ${effects.length} completed edits are on record and will not run again.\n`);
  await store.close();
  if (load.summary.stepCount < reached) throw new Error('a committed step was lost');

  console.log(`3. Resume: a new writer continues from step ${load.summary.stepCount + 1}.`);
  await runWriter(dir, sid, load.summary.stepCount + 1, steps);
  store = await openCheckpointStore({ dir });
  const final = await store.getSession(sid);
  const edits = await store.listEffects(sid);
  const stepsEdited = new Set(edits.map((e) => e.step));
  console.log(`   done: ${final?.stepCount} steps, status ${final?.status}; ${edits.length} edits recorded, each step once: ${stepsEdited.size === edits.length}`);
  await store.close();
  console.log(`   store size on disk: ${((await sizeOf(dir)) / 1024).toFixed(1)} KiB`);
  if (own) await rm(own, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
