import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunState } from '../../../src/core/runner/runState';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { type RunDir, crashScenario, prepareRun } from './crashScenario';
import { withoutRunTime } from './runnerHarness';

const TURNS = 12;
const SID = 'compaction-crash-session';
/** A 1,000-token window compacting at 700: the usage below crosses it every fourth turn. */
const CONTEXT = JSON.stringify({ window: 1000, threshold: 0.7, keepTurns: 2 });
const USAGE = [200, 300, 400, 800];

/**
 * The crash-resume session with growing usage and a summary step after every fourth turn.
 * `lostSummary`: that summary (1-based) is answered twice, because its first answer died with the process.
 */
function scenario(lostSummary = 0): StepInput[] {
  const out: StepInput[] = [];
  let summaries = 0;
  crashScenario(TURNS).forEach((step, i) => {
    if (i === TURNS) {
      out.push(step);
      return;
    }
    out.push({ ...step, usage: { input_tokens: USAGE[i % 4] as number, output_tokens: 5 } } as StepInput);
    if (i % 4 === 3) {
      summaries++;
      out.push({ type: 'message', content: [{ type: 'text', text: `SUMMARY ${summaries}: turns up to ${i} done.` }], expect: { systemContains: 'You summarize' }, times: summaries === lostSummary ? 2 : 1 });
    }
  });
  return out;
}

const prepare = (lostSummary = 0): Promise<RunDir> => prepareRun('savepoint-compactcrash-', TURNS, scenario(lostSummary));

async function child(d: RunDir, killAt: number) {
  const p = new FixtureProcess('runnerChild', [d.store, d.ws, d.server.url, SID, String(killAt), d.logs, CONTEXT]);
  return p.exited;
}

async function finalState(d: RunDir): Promise<RunState> {
  const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
  try {
    return withoutRunTime((await SessionJournal.open(store, SID as SessionId)).state);
  } finally {
    await store.close();
  }
}

const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

describe('compaction under SIGKILL: a long session killed in the middle of each compaction resumes to the same state', function () {
  this.timeout(10 * 60_000);

  it('every kill point in and around the three compactions ends in the state of the uninterrupted run', async () => {
    const ref = await prepare();
    let expected: RunState;
    let probes: string[];
    let mutations: string[];
    try {
      const r = await child(ref, 0);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(ref.server.violations(), []);
      expected = await finalState(ref);
      probes = await lines(join(ref.logs, 'probes.log'));
      mutations = (await lines(join(ref.logs, 'mutations.log'))).sort();
    } finally {
      await ref.server.close();
      await rm(ref.root, { recursive: true, force: true });
    }
    assert.equal(expected.compactions.length, 3, 'the session crosses the threshold three times');
    // Kill at each compaction probe and at the probe right after the journal write of its summary.
    const points: { at: number; name: string; summary: number }[] = [];
    let n = 0;
    probes.forEach((name, i) => {
      if (name === 'compaction:request') n++;
      if (name.startsWith('compaction:') || name === 'after:compacted') points.push({ at: i + 1, name, summary: n });
    });
    assert.equal(points.length, 9);
    for (const p of points) {
      const d = await prepare(p.name === 'compaction:answered' ? p.summary : 0);
      const where = `kill at probe ${p.at} (${p.name}, compaction ${p.summary})`;
      try {
        const first = await child(d, p.at);
        assert.equal(first.signal, 'SIGKILL', `${where}: not killed: ${first.stderr}`);
        const second = await child(d, 0);
        assert.equal(second.code, 0, `${where}: the resumed run failed: ${second.stderr}`);
        assert.deepEqual(d.server.violations(), [], where);
        assert.deepEqual(await finalState(d), expected, `${where}: state`);
        assert.deepEqual((await lines(join(d.logs, 'mutations.log'))).sort(), mutations, `${where}: mutations (each exactly once)`);
        // Only a summary whose answer died with the process is asked again; never a model turn.
        assert.equal(d.server.duplicateTurns().length, p.name === 'compaction:answered' ? 1 : 0, where);
      } finally {
        await d.server.close();
        await rm(d.root, { recursive: true, force: true });
      }
    }
  });
});
