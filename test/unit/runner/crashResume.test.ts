import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { type RunDir, crashScenario, prepareRun } from './crashScenario';

const TURNS = 32;
const SID = 'crash-resume-session';
/** Kill points run per CI pass; SAVEPOINT_CRASH_POINTS=all runs every probe point of the session. */
const BUDGET = process.env.SAVEPOINT_CRASH_POINTS === 'all' ? Number.MAX_SAFE_INTEGER : Number(process.env.SAVEPOINT_CRASH_POINTS ?? 130);

const prepare = (): Promise<RunDir> => prepareRun('savepoint-crashresume-', TURNS, crashScenario(TURNS));

async function child(d: RunDir, killAt: number): Promise<{ lines: string[]; signal: string | null; code: number | null; stderr: string }> {
  const p = new FixtureProcess('runnerChild', [d.store, d.ws, d.server.url, SID, String(killAt), d.logs]);
  const exit = await p.exited;
  return { lines: p.lines, signal: exit.signal, code: exit.code, stderr: exit.stderr };
}

async function snapshotTree(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, await snapshotTree(dir, p));
    else out[p] = await readFile(join(dir, p), 'utf8');
  }
  return out;
}

const readLines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

async function journal(d: RunDir): Promise<RunnerEvent[]> {
  const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
  try {
    const out: RunnerEvent[] = [];
    for await (const e of store.readEvents(SID as SessionId)) out.push({ type: e.type, data: e.data } as RunnerEvent);
    return out;
  } finally {
    await store.close();
  }
}

/** What the agent did, independent of how calls interrupted by a crash were recovered. */
function transcript(events: RunnerEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'model_turn') return [`turn ${e.data.turn}: ${e.data.calls.map((c) => `${c.id}:${c.name}`).join(',')} ${e.data.message}`];
    if (e.type === 'tool_planned') return [`plan ${e.data.callId} ${JSON.stringify(e.data.input)}`];
    if (e.type === 'tool_result' && !e.data.recovered) return [`result ${e.data.callId} ${e.data.isError} ${e.data.content}`];
    if (e.type === 'tool_result') return [`result ${e.data.callId} (recovered)`];
    if (e.type === 'status') return [`status ${e.data.status}`];
    return [];
  });
}

const normalize = (t: string[]) => t.map((l) => (l.startsWith('result ') && l.endsWith('(recovered)') ? l : l));

describe('crash-resume: a 32-turn session SIGKILLed at every step boundary and inside tool calls', function () {
  this.timeout(30 * 60_000);
  let reference: { tree: Record<string, string>; transcript: string[]; mutations: string[]; probes: number; requests: number };

  before(async () => {
    const d = await prepare();
    try {
      const r = await child(d, 0);
      assert.equal(r.code, 0, `the uninterrupted run failed: ${r.stderr}`);
      const probes = Number(r.lines.find((l) => l.startsWith('probes '))?.slice(7));
      assert.ok(probes > 100, `only ${probes} probe points`);
      assert.deepEqual(d.server.violations(), []);
      reference = { tree: await snapshotTree(d.ws), transcript: transcript(await journal(d)), mutations: await readLines(join(d.logs, 'mutations.log')), probes, requests: d.server.requestCount() };
      assert.equal(reference.requests, TURNS + 1);
      assert.ok(reference.mutations.length >= 15, `${reference.mutations.length} mutations`);
    } finally {
      await d.server.close();
      await rm(d.root, { recursive: true, force: true });
    }
  });

  it('each killed-and-resumed run ends with the same files and transcript, every mutation applied once, no model turn requested twice, no decided approval asked again', async () => {
    const points: number[] = [];
    const step = Math.max(1, reference.probes / Math.min(BUDGET, reference.probes));
    for (let x = 1; x <= reference.probes; x += step) points.push(Math.round(x));
    const killedAt = new Map<string, number>();
    for (const k of points) {
      const d = await prepare();
      try {
        const first = await child(d, k);
        assert.equal(first.signal, 'SIGKILL', `kill point ${k}: the first run was not killed (${first.code}): ${first.stderr}`);
        const point = (await readLines(join(d.logs, 'kills.log')))[0]?.split(' ')[1] ?? '?';
        killedAt.set(point, (killedAt.get(point) ?? 0) + 1);
        const before = await journal(d);
        const decided = new Set(before.flatMap((e) => (e.type === 'approval_decided' ? [e.data.approvalId] : [])));
        const asksBefore = (await readLines(join(d.logs, 'asks.log'))).length;

        const second = await child(d, 0);
        const where = `kill point ${k} (${point})`;
        assert.equal(second.code, 0, `${where}: the resumed run failed: ${second.stderr}`);
        const events = await journal(d);
        assert.deepEqual(transcript(events).filter((l) => !l.endsWith('(recovered)')), normalize(reference.transcript).filter((l) => !events.some((e) => e.type === 'tool_result' && e.data.recovered && l.startsWith(`result ${e.data.callId} `))), `${where}: transcript`);
        assert.deepEqual(await snapshotTree(d.ws), reference.tree, `${where}: workspace bytes`);
        assert.deepEqual((await readLines(join(d.logs, 'mutations.log'))).sort(), [...reference.mutations].sort(), `${where}: mutations (each exactly once)`);
        assert.deepEqual(d.server.duplicateTurns(), [], `${where}: a model turn was requested twice`);
        assert.equal(d.server.requestCount(), reference.requests, `${where}: model requests`);
        assert.deepEqual(d.server.violations(), [], `${where}: malformed requests`);
        const asksAfter = (await readLines(join(d.logs, 'asks.log'))).slice(asksBefore);
        assert.deepEqual(asksAfter.filter((a) => decided.has(a)), [], `${where}: an approval the user had decided was asked again`);
      } finally {
        await d.server.close();
        await rm(d.root, { recursive: true, force: true });
      }
    }
    console.log(`      ${points.length} SIGKILLs of ${reference.probes} probe points; by place: ${[...killedAt].map(([p, n]) => `${p} ${n}`).join(', ')}`);
  });
});
