import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ClassicLevel } from 'classic-level';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import { StoreError, type StoreErrorCode } from '../../../src/core/store/errors';
import { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { Db } from '../../../src/core/store/storeContext';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { assertWorkloadSteps } from '../../fixtures/storeVerify';
import { EVENTS_PER_STEP, applyEvent, buildStep, fileVersion, hashOf, initialState, type WorkState } from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';

const SID = 'held-session' as SessionId;

const isCode = (code: StoreErrorCode) => (e: unknown) => {
  assert.ok(StoreError.is(e, code), `expected StoreError ${code}, got ${e instanceof Error ? `${e.name} ${(e as { code?: string }).code}: ${e.message}` : String(e)}`);
  return true;
};

/** Every write of the port, each expected to fail with READ_ONLY (thrown or rejected). */
async function assertWritesRefused(store: CheckpointStore, head: number, state: WorkState): Promise<void> {
  await assert.rejects(async () => store.commit(buildStep(SID, head / EVENTS_PER_STEP + 1, state).commit), isCode('READ_ONLY'));
  await assert.rejects(async () => store.createSession({ title: 'new' }), isCode('READ_ONLY'));
  await assert.rejects(async () => store.updateSession(SID, { pinned: true }), isCode('READ_ONLY'));
  await assert.rejects(async () => store.putBlobs(SID, [{ content: new Uint8Array([1, 2, 3]) }]), isCode('READ_ONLY'));
  await assert.rejects(async () => store.deleteSession(SID, 'test'), isCode('READ_ONLY'));
  await assert.rejects(async () => store.vacuum(), isCode('READ_ONLY'));
}

/** A promise-returning method must report failure through the promise: `store.vacuum().catch(...)` must catch it. */
async function assertRejectsAsync(call: () => Promise<unknown>, code: StoreErrorCode, what: string): Promise<void> {
  let p: Promise<unknown> | undefined;
  assert.doesNotThrow(() => {
    p = call();
  }, `${what} threw synchronously instead of returning a rejected promise`);
  await assert.rejects(p as Promise<unknown>, isCode(code));
}

async function stateAfter(store: CheckpointStore): Promise<WorkState> {
  const load = await store.loadSession<WorkState>(SID);
  let state = load.snapshot?.state ?? initialState();
  for await (const e of load.tail) state = applyEvent(state, e);
  return state;
}

/** A cheap consistency check of a copy of a busy store: a whole number of steps, the last one complete, nothing damaged. */
async function assertConsistentCopy(store: CheckpointStore, label: string): Promise<void> {
  const summary = await store.getSession(SID);
  assert.ok(summary, `${label}: the session is missing`);
  const n = summary.stepCount;
  assert.equal(summary.headSeq, n * EVENTS_PER_STEP, `${label}: headSeq`);
  const last = [];
  for await (const e of store.readEvents(SID, { fromSeq: summary.headSeq - 1 })) last.push({ seq: e.seq, step: e.step, type: e.type, data: e.data });
  const { stepEvents } = await import('../../fixtures/storeWorkload');
  assert.deepEqual(last, stepEvents(n).map((e, i) => ({ seq: (n - 1) * EVENTS_PER_STEP + i + 1, ...e })), `${label}: events of the last step`);
  assert.ok(Buffer.from(await store.getBlob(hashOf(fileVersion(n)))).equals(fileVersion(n)), `${label}: the last file version`);
  assert.equal((await store.listEffects(SID, n)).length, 1, `${label}: the effect of the last step`);
  const load = await store.loadSession(SID);
  let count = 0;
  for await (const e of load.tail) count += e.seq > 0 ? 1 : 0;
  assert.equal(count, summary.headSeq - (load.snapshot?.seq ?? 0), `${label}: tail length`);
  assert.equal(load.damage(), undefined, `${label}: loadSession reports damage`);
}

describe('store lock: one writer per directory (real LevelDB, real processes)', function () {
  this.timeout(120_000);
  const tmp = tempDirs('lock');
  const children: FixtureProcess[] = [];
  const holder = (dir: string, steps: number) => {
    const p = new FixtureProcess('storeHolder', [dir, SID, String(steps)]);
    children.push(p);
    return p;
  };
  afterEach(async function () {
    await Promise.all(children.splice(0).map((c) => c.kill()));
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('while process A holds the store, the default open is a read-only copy that reads A\'s data and refuses every write', async () => {
    const dir = await tmp.make();
    const a = holder(dir, 6);
    await a.waitFor(/^ready 6$/);

    const ro = await openCheckpointStore({ dir });
    assert.equal(ro.readOnly, true);
    const listed = (await ro.listSessions()).sessions.map((s) => [s.id, s.stepCount]);
    assert.deepEqual(listed, [[SID, 6]]);
    await assertWorkloadSteps(ro, SID, 6, 'read-only copy');
    await assertWritesRefused(ro, 12, await stateAfter(ro));
    assert.deepEqual(await ro.listQuarantine(), []);
    await assertWorkloadSteps(ro, SID, 6, 'read-only copy after the refused writes');

    // A keeps writing; the copy is a point in time and does not take A's lock.
    a.send('commit 3');
    await a.waitFor(/^committed 9$/);
    assert.equal((await ro.getSession(SID))?.stepCount, 6, 'the read-only copy changed under the reader');
    const copyDir = ro.copyDir;
    assert.ok(copyDir && copyDir !== dir && existsSync(copyDir));
    await ro.close();
    assert.equal(existsSync(copyDir), false, 'the read-only copy was not removed on close');

    const again = await openCheckpointStore({ dir });
    assert.equal(again.readOnly, true);
    await assertWorkloadSteps(again, SID, 9, 'second read-only copy');
    await again.close();
  });

  it("with onLocked 'fail', opening a store held by process A throws LOCKED", async () => {
    const dir = await tmp.make();
    const a = holder(dir, 2);
    await a.waitFor(/^ready 2$/);
    await assert.rejects(openCheckpointStore({ dir, onLocked: 'fail' }), isCode('LOCKED'));
    // The failed open did not disturb A.
    a.send('commit 1');
    await a.waitFor(/^committed 3$/);
  });

  it("after SIGKILL of process A, a new open is read-write and has everything A committed", async () => {
    const dir = await tmp.make();
    const a = holder(dir, 5);
    await a.waitFor(/^ready 5$/);
    a.send('commit 4');
    await a.waitFor(/^committed 9$/);
    const exit = await a.kill();
    assert.equal(exit.signal, 'SIGKILL');

    const store = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false });
    assert.equal(store.readOnly, false);
    await assertWorkloadSteps(store, SID, 9, 'after the kill');
    const state = await stateAfter(store);
    await store.commit(buildStep(SID, 10, state).commit);
    await store.close();

    const reopened = await openCheckpointStore({ dir, onLocked: 'fail' });
    await assertWorkloadSteps(reopened, SID, 10, 'after resuming A\'s session');
    await reopened.close();
  });

  it('a second open in the same process is read-only (or LOCKED with fail) until the first one closes', async () => {
    const dir = await tmp.make();
    const first = await openCheckpointStore({ dir, syncWrites: false, snapshotEvery: 8 });
    await first.createSession({ id: SID, title: 'same process' });
    let state = initialState();
    for (let step = 1; step <= 4; step++) {
      const b = buildStep(SID, step, state);
      await first.commit(b.commit);
      state = b.next;
    }

    const second = await openCheckpointStore({ dir });
    assert.equal(second.readOnly, true);
    await assertWorkloadSteps(second, SID, 4, 'same-process read-only copy');
    await assertWritesRefused(second, 8, state);
    await assert.rejects(openCheckpointStore({ dir, onLocked: 'fail' }), isCode('LOCKED'));
    await second.close();

    // The read-only open did not disturb the writer.
    await first.commit(buildStep(SID, 5, state).commit);
    await first.close();
    const third = await openCheckpointStore({ dir, onLocked: 'fail' });
    assert.equal(third.readOnly, false);
    await assertWorkloadSteps(third, SID, 5, 'after the first store closed');
    await third.close();
  });

  it('on a read-only store, vacuum() rejects with READ_ONLY instead of throwing synchronously', async () => {
    const dir = await tmp.make();
    const first = await openCheckpointStore({ dir });
    const second = await openCheckpointStore({ dir });
    try {
      assert.equal(second.readOnly, true);
      await assertRejectsAsync(() => second.commit(buildStep(SID, 1, initialState()).commit), 'READ_ONLY', 'commit()');
      await assertRejectsAsync(() => second.vacuum(), 'READ_ONLY', 'vacuum()');
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('read-only opens while process A is busy writing (and compacting) always succeed with a consistent copy', async () => {
    const dir = await tmp.make();
    // A small memtable makes LevelDB flush and compact every few steps, as it does after every ~4 MB by default.
    const a = new FixtureProcess('storeWriter', [dir, SID, '0', '8', '0', String(64 * 1024)]);
    children.push(a);
    await a.waitFor(/^committed 20$/);
    const failures: string[] = [];
    const opens = 20;
    for (let i = 0; i < opens; i++) {
      let ro;
      try {
        ro = await openCheckpointStore({ dir });
      } catch (e) {
        failures.push(e instanceof StoreError ? `StoreError ${e.code}: ${e.message}` : `${String(e)} (not a StoreError)`);
        continue;
      }
      try {
        await assertConsistentCopy(ro, `read-only copy ${i}`);
      } finally {
        await ro.close();
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${opens} read-only opens failed while A was writing`);
  });

  describe('disk full (ENOSPC injected below the store, in the LevelDB adapter)', () => {
    /** classic-level with a switch that makes every write fail the way LevelDB fails on a full disk. */
    class FaultyLevel extends ClassicLevel<string, Uint8Array> {
      fault: Error | undefined;

      // abstract-level's private write hooks, called with the encoded batch after all validation:
      // the array form, and the chained batch the store builds.
      async _batch(operations: unknown, options: unknown): Promise<void> {
        if (this.fault) throw this.fault;
        const base = ClassicLevel.prototype as unknown as { _batch(o: unknown, p: unknown): Promise<void> };
        return base._batch.call(this, operations, options);
      }

      _chainedBatch(): unknown {
        const base = ClassicLevel.prototype as unknown as { _chainedBatch(this: FaultyLevel): { _write(o: unknown): Promise<void> } };
        const batch = base._chainedBatch.call(this);
        const write = batch._write.bind(batch);
        batch._write = async (options: unknown) => {
          if (this.fault) throw this.fault;
          return write(options);
        };
        return batch;
      }
    }

    const faults: [string, () => Error][] = [
      [
        'LevelDB IO error text',
        () => Object.assign(new Error('IO error: /store/000005.log: No space left on device'), { code: 'LEVEL_IO_ERROR' }),
      ],
      ['errno code ENOSPC', () => Object.assign(new Error('ENOSPC: write failed'), { code: 'ENOSPC' })],
    ];

    for (const [name, makeFault] of faults) {
      it(`a commit that hits a full disk (${name}) rejects with DISK_FULL, writes nothing, and the same commit succeeds once there is space`, async () => {
        const dir = await tmp.make();
        const db = new FaultyLevel(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
        await db.open();
        const store = await LevelCheckpointStore.create({ db: db as unknown as Db, syncWrites: false, snapshotEvery: 8 });

        db.fault = makeFault();
        await assert.rejects(store.createSession({ id: SID, title: 'disk full' }), isCode('DISK_FULL'));
        assert.equal(await store.getSession(SID), undefined, 'a session whose creation failed is visible');
        db.fault = undefined;
        await store.createSession({ id: SID, title: 'disk full' });

        let state = initialState();
        for (let step = 1; step <= 3; step++) {
          const b = buildStep(SID, step, state);
          await store.commit(b.commit);
          state = b.next;
        }
        const step4 = buildStep(SID, 4, state);
        db.fault = makeFault();
        await assert.rejects(store.commit(step4.commit), isCode('DISK_FULL'));
        await assert.rejects(store.commit(step4.commit), isCode('DISK_FULL'));
        const after = await store.getSession(SID);
        assert.equal(after?.headSeq, 3 * EVENTS_PER_STEP, 'headSeq moved');
        assert.equal(after?.stepCount, 3);
        assert.equal(await store.hasBlob(hashOf(fileVersion(4))), false, 'the blob of the failed step is visible');
        db.fault = undefined;
        await assertWorkloadSteps(store, SID, 3, 'after the failed commit');

        const r = await store.commit(step4.commit);
        assert.equal(r.headSeq, 4 * EVENTS_PER_STEP);
        const step5 = buildStep(SID, 5, step4.next);
        await store.commit(step5.commit);
        await store.close();

        const reopened = await openCheckpointStore({ dir, onLocked: 'fail' });
        await assertWorkloadSteps(reopened, SID, 5, 'after reopen');
        assert.deepEqual(await reopened.listQuarantine(), []);
        await reopened.close();
      });
    }
  });
});
