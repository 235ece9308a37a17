import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess, describeExit } from '../../fixtures/storeChild';
import {
  EVENTS_PER_STEP,
  applyEvent,
  expectedEffect,
  fileVersion,
  hashOf,
  initialState,
  makeRandom,
  stepEvents,
  type WorkState,
} from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';

/**
 * A writer process commits workload steps as fast as it can and is SIGKILLed at random moments;
 * a new writer resumes the same store from whatever head it finds. After every kill the test
 * reopens the store and checks what a user would: every step the writer reported is there byte for
 * byte, no half step is visible, every checksum verifies, and a resume rebuilds the same state.
 * Kill timing comes from a seeded generator: rerun a failure with SAVEPOINT_CRASH_SEED=<seed>.
 */
const SID = 'crash-session' as SessionId;

/** Expected journal content and runner state per seq, computed once per store directory. */
class ExpectedJournal {
  private readonly data: string[] = [''];
  private readonly states: WorkState[] = [initialState()];

  private extend(seq: number): void {
    while (this.states.length <= seq) {
      const step = (this.data.length - 1) / EVENTS_PER_STEP + 1;
      for (const e of stepEvents(step)) {
        const s = this.data.length;
        this.data.push(JSON.stringify({ step: e.step, type: e.type, data: e.data }));
        this.states.push(applyEvent(this.states[s - 1] as WorkState, { ...e, seq: s }));
      }
    }
  }

  event(seq: number): string {
    this.extend(seq);
    return this.data[seq] as string;
  }

  state(seq: number): WorkState {
    this.extend(seq);
    return this.states[seq] as WorkState;
  }
}

/** The snapshot seq the store's policy leads to after `headSeq` events committed step by step. */
function expectedSnapshotSeq(headSeq: number, every: number): number {
  let last = 0;
  for (let seq = EVENTS_PER_STEP; seq <= headSeq; seq += EVENTS_PER_STEP) if (seq - last >= every) last = seq;
  return last;
}

interface Plan {
  name: string;
  snapshotEvery: number;
  kills: number;
}

const PLANS: Plan[] = [
  { name: 'snapshot every 8 events', snapshotEvery: 8, kills: 55 },
  { name: 'snapshot every 8 events (second store)', snapshotEvery: 8, kills: 55 },
  { name: 'snapshot every 5 events', snapshotEvery: 5, kills: 55 },
  { name: 'snapshot every 3 events', snapshotEvery: 3, kills: 55 },
];

describe('store crash safety: SIGKILL at random moments (real LevelDB, real processes)', function () {
  this.timeout(10 * 60_000);
  const seed = Number(process.env.SAVEPOINT_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const tmp = tempDirs('crash');
  const totals = { kills: 0, killsBeforeReady: 0, syncRuns: 0, verifications: 0, stepsVerified: 0, finalSteps: 0, ms: 0 };

  before(() => console.log(`      crash seed ${seed} (rerun with SAVEPOINT_CRASH_SEED=${seed})`));
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });
  after(() =>
    console.log(
      `      crash summary: ${totals.kills} SIGKILLs (${totals.killsBeforeReady} during open/resume, ` +
        `${totals.syncRuns} writers with syncWrites), ${totals.verifications} reopen checks, ` +
        `${totals.stepsVerified} step verifications, ${totals.finalSteps} steps in the final stores, ${(totals.ms / 1000).toFixed(1)} s`,
    ),
  );

  PLANS.forEach((plan, index) => {
    it(`${plan.name}: ${plan.kills} kills, each reopen finds every reported step intact and no partial step`, async () => {
      const started = Date.now();
      const dir = await tmp.make();
      const rnd = makeRandom(seed + index * 7777);
      const expected = new ExpectedJournal();
      let reported = 0;
      let verifiedSteps = 0;
      for (let k = 1; k <= plan.kills; k++) {
        const sync = rnd() < 0.5;
        const beforeReady = rnd() < 0.2;
        const delayMs = beforeReady ? rnd() * 150 : rnd() * 60;
        const writer = new FixtureProcess('storeWriter', [dir, SID, sync ? '1' : '0', String(plan.snapshotEvery)], (line) => {
          const m = /^committed (\d+)$/.exec(line);
          if (m) reported = Math.max(reported, Number(m[1]));
        });
        if (!beforeReady) await writer.waitFor(/^ready \d+$/);
        await sleep(delayMs);
        const exit = await writer.kill();
        const where = `kill ${k} (seed ${seed}, ${sync ? 'sync' : 'no sync'}, ${beforeReady ? 'from spawn' : 'after ready'} +${delayMs.toFixed(0)} ms, dir ${dir})`;
        assert.equal(exit.signal, 'SIGKILL', `${where}: ${describeExit(exit)}; stderr: ${exit.stderr}`);
        const ready = writer.lines.find((l) => l.startsWith('ready '));
        if (ready) assert.equal(ready, `ready ${verifiedSteps}`, `${where}: the writer resumed from another head than the store had`);

        verifiedSteps = await verifyStore(dir, reported, plan.snapshotEvery, expected, where);
        // A step in flight at the kill may have landed without being reported; from now on it is committed.
        reported = verifiedSteps;
        totals.kills++;
        totals.verifications++;
        totals.stepsVerified += verifiedSteps;
        if (beforeReady && !ready) totals.killsBeforeReady++;
        if (sync) totals.syncRuns++;
      }
      assert.ok(verifiedSteps > plan.kills, `the writers committed only ${verifiedSteps} steps in ${plan.kills} runs`);
      totals.finalSteps += verifiedSteps;
      totals.ms += Date.now() - started;
    });
  });
});

/** Reopens the store as a user would after a crash and checks everything the writer promised. Returns the step count. */
async function verifyStore(dir: string, reported: number, snapshotEvery: number, expected: ExpectedJournal, where: string): Promise<number> {
  const store = await openCheckpointStore({ dir, onLocked: 'fail' });
  try {
    assert.equal(store.readOnly, false, `${where}: reopened read-only`);
    const summary = await store.getSession(SID);
    if (!summary) {
      assert.equal(reported, 0, `${where}: ${reported} steps were reported committed but the session is missing`);
      return 0;
    }
    const n = summary.stepCount;
    assert.ok(n === reported || n === reported + 1, `${where}: the writer reported step ${reported} committed, the store has ${n} steps`);
    assert.equal(summary.headSeq, n * EVENTS_PER_STEP, `${where}: headSeq ${summary.headSeq} is not the end of step ${n}`);
    assert.equal(summary.snapshotSeq, expectedSnapshotSeq(summary.headSeq, snapshotEvery), `${where}: snapshotSeq`);

    let seq = 0;
    for await (const e of store.readEvents(SID)) {
      seq++;
      assert.equal(e.seq, seq, `${where}: journal out of order`);
      assert.equal(JSON.stringify({ step: e.step, type: e.type, data: e.data }), expected.event(seq), `${where}: event ${seq} differs`);
    }
    assert.equal(seq, summary.headSeq, `${where}: the journal has ${seq} events, the index says ${summary.headSeq}`);

    for (let s = 1; s <= n; s++) {
      const content = await store.getBlob(hashOf(fileVersion(s)));
      assert.ok(Buffer.from(content).equals(fileVersion(s)), `${where}: file version of step ${s} differs`);
    }
    const effects = await store.listEffects(SID);
    assert.equal(effects.length, n, `${where}: ${effects.length} effect records for ${n} steps`);
    effects.forEach((ef, i) => {
      assert.deepEqual({ step: ef.step, actionId: ef.actionId, intent: ef.intent?.data, result: ef.result?.data }, expectedEffect(i + 1), `${where}: effect of step ${i + 1}`);
    });

    // Nothing of the step after the head may be visible.
    assert.equal(await store.hasBlob(hashOf(fileVersion(n + 1))), false, `${where}: the blob of uncommitted step ${n + 1} is visible`);
    assert.equal(await store.getEffect(SID, n + 1, `edit-${n + 1}`), undefined, `${where}: the effect of uncommitted step ${n + 1} is visible`);

    const load = await store.loadSession<WorkState>(SID);
    assert.equal(load.snapshot?.seq ?? 0, summary.snapshotSeq, `${where}: loadSession did not pick the latest snapshot`);
    let state = load.snapshot?.state ?? initialState();
    assert.deepEqual(state, expected.state(summary.snapshotSeq), `${where}: snapshot state`);
    let first: number | undefined;
    for await (const e of load.tail) {
      first ??= e.seq;
      state = applyEvent(state, e);
    }
    if (summary.headSeq > summary.snapshotSeq) assert.equal(first, summary.snapshotSeq + 1, `${where}: the tail does not start after the snapshot`);
    assert.deepEqual(state, expected.state(summary.headSeq), `${where}: snapshot + tail do not rebuild the state`);
    assert.equal(load.damage(), undefined, `${where}: loadSession reports damage`);
    assert.deepEqual(await store.listQuarantine(), [], `${where}: records were quarantined`);

    const listed = (await store.listSessions()).sessions.find((s) => s.id === SID);
    assert.equal(listed?.stepCount, n, `${where}: the session list disagrees`);
    return n;
  } finally {
    await store.close();
  }
}
