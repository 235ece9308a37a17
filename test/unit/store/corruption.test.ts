import assert from 'node:assert/strict';
import { cp, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StoreError } from '../../../src/core/store/errors';
import { type DiskCheckpointStore, openCheckpointStore, repairCheckpointStore } from '../../../src/core/store/openStore';
import type { JournalEvent, SessionId, SessionLoad } from '../../../src/core/store/types';
import { EVENTS_PER_STEP, buildStep, fileVersion, hashOf, initialState, makeRandom, stepEvents } from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';

const SESSIONS = ['corrupt-a', 'corrupt-b', 'corrupt-c'] as SessionId[];
const STEPS = 40;
const TRIALS = 40;

/** The event the workload wrote at `seq`, as JSON, to compare with what a damaged store returns. */
function expectedEvent(seq: number): string {
  const step = Math.ceil(seq / EVENTS_PER_STEP);
  const e = stepEvents(step)[(seq - 1) % EVENTS_PER_STEP];
  return JSON.stringify({ step: e?.step, type: e?.type, data: e?.data });
}

type Outcome = 'intact' | 'damage reported' | 'refused to open' | 'readable after repair';

/**
 * Opens a damaged copy and reads everything as a user would. Any failure must be a StoreError
 * (never a crash of another kind), and anything returned must be what was written: damage is
 * reported (quarantine, `damage()`), never passed off as data.
 */
async function inspect(dir: string, where: string): Promise<Outcome> {
  let store: DiskCheckpointStore;
  try {
    store = await openCheckpointStore({ dir, onLocked: 'fail' });
  } catch (e) {
    assert.ok(StoreError.is(e, 'CORRUPT') || StoreError.is(e, 'IO'), `${where}: opening threw ${String(e)}`);
    assert.ok((e as Error).message.length > 10, `${where}: an unclear error`);
    return 'refused to open';
  }
  let damaged = false;
  try {
    for (const id of SESSIONS) {
      let summary;
      try {
        summary = await store.getSession(id);
      } catch (e) {
        assert.ok(StoreError.is(e), `${where}: getSession threw ${String(e)}`);
        damaged = true;
        continue;
      }
      if (!summary) {
        damaged = true;
        continue;
      }
      try {
        const load: SessionLoad = await store.loadSession(id);
        let last: number = load.snapshot?.seq ?? 0;
        for await (const e of load.tail as AsyncIterable<JournalEvent>) {
          assert.equal(JSON.stringify({ step: e.step, type: e.type, data: e.data }), expectedEvent(e.seq), `${where}: ${id} event ${e.seq} came back different`);
          assert.equal(e.seq, last + 1, `${where}: ${id} skipped from ${last} to ${e.seq} without reporting it`);
          last = e.seq;
        }
        const damage = load.damage();
        if (damage) {
          damaged = true;
          assert.ok(damage.notices.length > 0 && damage.lastValidSeq <= summary.headSeq, `${where}: damage without notices`);
        } else {
          assert.equal(last, summary.headSeq, `${where}: ${id} ended at ${last} of ${summary.headSeq} without reporting damage`);
        }
        for (let step = 1; step <= STEPS; step++) {
          const blob = await store.getBlob(hashOf(fileVersion(step))).catch((e: unknown) => {
            assert.ok(StoreError.is(e), `${where}: getBlob threw ${String(e)}`);
            damaged = true;
            return undefined;
          });
          if (blob) assert.ok(Buffer.from(blob).equals(fileVersion(step)), `${where}: the blob of step ${step} came back different`);
        }
        const effects = await store.listEffects(id).catch((e: unknown) => {
          assert.ok(StoreError.is(e), `${where}: listEffects threw ${String(e)}`);
          damaged = true;
          return undefined;
        });
        if (effects && effects.length !== summary.stepCount) damaged = true;
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.ok(StoreError.is(e), `${where}: reading ${id} threw ${String(e)}`);
        damaged = true;
      }
    }
    try {
      if ((await store.listQuarantine()).length > 0) damaged = true;
    } catch (e) {
      // The damage can sit in the quarantine's own key range: a typed error, reported.
      assert.ok(StoreError.is(e), `${where}: listQuarantine threw ${String(e)}`);
      damaged = true;
    }
  } finally {
    await store.close().catch(() => undefined);
  }
  return damaged ? 'damage reported' : 'intact';
}

describe('store corruption: bytes flipped in the LevelDB files (real classic-level)', function () {
  this.timeout(5 * 60_000);
  const tmp = tempDirs('savepoint-corrupt-');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it(`${TRIALS} damaged copies: every read returns what was written or reports the damage; errors are typed; nothing crashes`, async () => {
    const pristine = await tmp.make();
    const store = await openCheckpointStore({ dir: pristine, onLocked: 'fail', syncWrites: false, snapshotEvery: 8 });
    for (const id of SESSIONS) {
      await store.createSession({ id, title: id });
      let state = initialState();
      for (let step = 1; step <= STEPS; step++) {
        const { commit, next } = buildStep(id, step, state);
        await store.commit(commit);
        state = next;
      }
    }
    await store.close();
    assert.equal(await inspect(pristine, 'pristine'), 'intact');

    const files = (await readdir(pristine)).filter((f) => /\.(ldb|log)$/.test(f) || f.startsWith('MANIFEST'));
    const sizes = await Promise.all(files.map(async (f) => (await stat(join(pristine, f))).size));
    const seed = Number(process.env.SAVEPOINT_CORRUPT_SEED ?? 20261124);
    const rnd = makeRandom(seed);
    const outcomes: Record<Outcome | 'repair refused', number> = { intact: 0, 'damage reported': 0, 'refused to open': 0, 'readable after repair': 0, 'repair refused': 0 };
    for (let t = 0; t < TRIALS; t++) {
      const dir = await tmp.make();
      await cp(pristine, dir, { recursive: true });
      // Mostly the tables (where the data is); sometimes the log or the manifest.
      const tables = files.map((f, i) => ({ f, size: sizes[i] ?? 0 })).filter((x) => x.size > 0);
      const target = rnd() < 0.8 ? (tables.filter((x) => x.f.endsWith('.ldb'))[Math.floor(rnd() * tables.length)] ?? tables[0]) : tables[Math.floor(rnd() * tables.length)];
      assert.ok(target, 'no database file to damage');
      const flips = 1 + Math.floor(rnd() * 4);
      const fh = await open(join(dir, target.f), 'r+');
      const offsets: number[] = [];
      for (let i = 0; i < flips; i++) {
        const at = Math.floor(rnd() * target.size);
        const b = Buffer.alloc(1);
        await fh.read(b, 0, 1, at);
        b[0] = (b[0] ?? 0) ^ 0xff;
        await fh.write(b, 0, 1, at);
        offsets.push(at);
      }
      await fh.close();
      const where = `trial ${t} (seed ${seed}): ${target.f} bytes ${offsets.join(',')}`;
      const outcome = await inspect(dir, where);
      outcomes[outcome]++;
      if (outcome === 'refused to open') {
        // The user's way out: repair keeps a backup, then what is readable is readable again, and still checked.
        // LevelDB's repairer itself may give up (on some damage it aborts: it runs in a child process): a typed refusal.
        const repaired = await repairCheckpointStore(dir).then(
          (backup) => ({ backup }),
          (e: unknown) => {
            assert.ok(StoreError.is(e, 'CORRUPT'), `${where}: repair failed with ${String(e)}`);
            return { refused: e as StoreError };
          },
        );
        if ('refused' in repaired) {
          for (const n of await readdir(dirname(dir))) if (n.startsWith(`${basename(dir)}.damaged-`)) tmp.adopt(join(dirname(dir), n));
          outcomes['repair refused']++;
          continue;
        }
        const { backup } = repaired;
        assert.ok((await readdir(backup)).length > 0, `${where}: no backup of the damaged store`);
        tmp.adopt(backup);
        // LevelDB's repair rebuilds what it can; when it cannot, opening is still a typed refusal (inspect checks).
        if ((await inspect(dir, `${where}, after repair`)) !== 'refused to open') outcomes['readable after repair']++;
      }
    }
    console.log(`      ${TRIALS} damaged copies: ${Object.entries(outcomes).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    assert.ok(outcomes['damage reported'] + outcomes['refused to open'] > 0, 'no trial hit data that is read: the test would not notice');
  });
});
