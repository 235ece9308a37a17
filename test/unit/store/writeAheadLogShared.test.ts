import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { openCheckpointStore, repairCheckpointStore } from '../../../src/core/store/openStore';
import type { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { assertWorkloadSteps } from '../../fixtures/storeVerify';
import { buildStep, initialState } from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';
import { flipBitInSecondRecord, logFiles, walSession, withSegmentRemovalFailing } from './helpers/walSession';

const SID = 'wal-shared' as SessionId;
const { stateOf, commitSteps, crashAfter } = walSession(SID);

/**
 * The store's write-ahead log with other processes around it and failures under it (found by
 * review): a segment an open that does not sync cannot remove, a read-only copy taken while owners
 * change, a repair asked for while another process holds the store, a failed fdatasync.
 */
/** One bit of an early record of the owner's (live, current) segment flips on disk (the owner never reads its log back); returns the segment. */
async function damageLiveSegment(dir: string): Promise<string | undefined> {
  const [seg] = await logFiles(dir);
  flipBitInSecondRecord(`${dir}/${seg as string}`);
  return seg;
}

describe("the store's write-ahead log: other processes and failures (real LevelDB, real processes)", function () {
  this.timeout(60_000);
  const tmp = tempDirs('wal-shared');
  afterEach(async function () {
    delete process.env['KILL_AFTER'];
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('an open with syncWrites:false keeps a replayed segment it could not remove until its close removes it: the next open does not replay it over the commits made since', async () => {
    const dir = await tmp.make();
    await crashAfter(dir, 5);
    const plain = await withSegmentRemovalFailing(() => openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false, snapshotEvery: 8 }));
    await assertWorkloadSteps(plain, SID, 5, 'after the replay');
    await commitSteps(plain, 6, 7, await stateOf(plain));
    await assertWorkloadSteps(plain, SID, 7, 'before closing');
    await plain.close();
    const again = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false });
    try {
      await assertWorkloadSteps(again, SID, 7, 'the next open (the transient unlink failure is over)');
    } finally {
      await again.close();
    }
  });

  it('a read-only copy taken while the owner closes and a new owner starts a log of the same name is taken again, never a mix of the two', async () => {
    const dir = await tmp.make();
    // The store exists already (another session, closed cleanly: everything in LevelDB's tables, no log).
    const first = new FixtureProcess('storeWriter', [dir, 'other-session', '1', '8', '1']);
    assert.equal((await first.exited).code, 0);
    // A commits 4 steps, then keeps its event loop busy for 3 s: LevelDB has not got the last batches yet (they are in A's log).
    const a = new FixtureProcess('walHolder', [dir, SID, '4', '0', '3000']);
    let ro: LevelCheckpointStore | undefined;
    const original = fsp.readdir;
    try {
      await a.waitFor(/^committed 4$/);
      let calls = 0;
      (fsp as { readdir: unknown }).readdir = async (...args: unknown[]) => {
        if (args[0] === dir && ++calls === 2) {
          // Between the copier's first listing (A's segment 1, and LevelDB's files, copied) and its second:
          // A closes cleanly (its log goes), and B opens, commits steps 5 and 6 and is killed (its new segment 1 stays).
          a.send('close');
          const aExit = await a.exited;
          assert.equal(aExit.code, 0, aExit.stderr);
          process.env['KILL_AFTER'] = '6';
          try {
            const b = new FixtureProcess('storeWriter', [dir, SID, '1', '8', '0']);
            const bExit = await b.exited;
            assert.equal(bExit.signal, 'SIGKILL', bExit.stderr);
          } finally {
            delete process.env['KILL_AFTER'];
          }
        }
        return (original as (...a: unknown[]) => Promise<unknown>)(...args);
      };
      try {
        ro = await openCheckpointStore({ dir, snapshotEvery: 8 });
      } finally {
        (fsp as { readdir: unknown }).readdir = original;
      }
      assert.equal(ro.readOnly, true);
      assert.ok(calls >= 2, 'the hook ran');
      const steps = (await ro.getSession(SID))?.stepCount ?? 0;
      // Whatever it holds, a copy must be a state the store had: steps 1..n, whole.
      await assertWorkloadSteps(ro, SID, steps, `the read-only copy (stepCount ${steps})`);
    } finally {
      (fsp as { readdir: unknown }).readdir = original;
      await ro?.close();
      await a.kill();
    }
  });

  it("a damaged log of a store another process holds: the read-only open fails IO (not CORRUPT, which offers a repair), and a repair asked for anyway is refused LOCKED", async () => {
    const dir = await tmp.make();
    const a = new FixtureProcess('walStepper', [dir, SID, '4']);
    try {
      await a.waitFor(/^committed 4$/);
      const seg = await damageLiveSegment(dir);
      await assert.rejects(openCheckpointStore({ dir }), (e: Error & { code?: string }) => e.code === 'IO' && /read-only copy/.test(e.message));
      await assert.rejects(repairCheckpointStore(dir), (e: Error & { code?: string }) => e.code === 'LOCKED');
      assert.deepEqual(await logFiles(dir), [seg], "the owner's files are untouched");
    } finally {
      await a.kill();
    }
  });

  it('a repair asked for while the owner runs changes nothing the owner then commits: its next reported commit survives its crash', async () => {
    const dir = await tmp.make();
    const a = new FixtureProcess('walStepper', [dir, SID, '4']);
    try {
      await a.waitFor(/^committed 4$/);
      await damageLiveSegment(dir);
      try {
        tmp.adopt(await repairCheckpointStore(dir));
      } catch (e) {
        assert.equal((e as { code?: string }).code, 'LOCKED', String(e));
        return; // refused: nothing to lose
      }
      a.send('commit');
      await a.waitFor(/^committed 5$/);
      await new Promise((r) => setTimeout(r, 300));
      await a.kill();
      const store = await openCheckpointStore({ dir, onLocked: 'fail' });
      try {
        assert.equal((await store.getSession(SID))?.stepCount, 5, 'A reported step 5 committed');
      } finally {
        await store.close();
      }
    } finally {
      await a.kill();
    }
  });

  it('a commit whose fdatasync fails (ENOSPC) is refused as IO, not DISK_FULL: the log takes nothing more until the store opens again, and says so', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, onLocked: 'fail', snapshotEvery: 8 });
    try {
      await store.createSession({ id: SID, title: 'wal' });
      const state = await commitSteps(store, 1, 3, initialState());
      const step4 = buildStep(SID, 4, state);
      const original = fs.fdatasyncSync;
      (fs as { fdatasyncSync: unknown }).fdatasyncSync = () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC', syscall: 'fdatasync' });
      };
      let first: (Error & { code?: string }) | undefined;
      try {
        first = await store.commit(step4.commit).then(() => undefined, (e: Error & { code?: string }) => e);
      } finally {
        (fs as { fdatasyncSync: unknown }).fdatasyncSync = original;
      }
      assert.ok(first, 'the commit whose fdatasync failed is refused');
      // Space is back: the same commit again.
      const again = await store.commit(step4.commit).then(() => undefined, (e: Error & { code?: string }) => e);
      if (again) {
        assert.notEqual(again.code, 'DISK_FULL', `the store says the disk is full and nothing was written (so retry once there is space), but it will refuse every commit until it is opened again: ${again.message}`);
        assert.match(again.message, /open the store again/);
        return;
      }
      await assertWorkloadSteps(store, SID, 4, 'after the retry');
    } finally {
      await store.close();
    }
  });
});
