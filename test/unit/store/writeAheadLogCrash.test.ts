import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpointStore, repairCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { LOG_PREFIX } from '../../../src/core/store/writeAheadLog';
import { FixtureProcess } from '../../fixtures/storeChild';
import { assertWorkloadSteps } from '../../fixtures/storeVerify';
import { buildStep, initialState } from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';
import { logFiles, walSession, withSegmentRemovalFailing } from './helpers/walSession';

const SID = 'wal-crash' as SessionId;
const { stateOf, commitSteps, crashAfter } = walSession(SID);

/**
 * The store's write-ahead log against crashes and failures around it (found by review): an open that
 * does not sync, a read-only copy taken while the owner commits, a writer that never yields, a failed
 * rotation, a segment that cannot be removed, a damaged log.
 */
describe("the store's write-ahead log: crashes and failures around it (real LevelDB, real SIGKILL)", function () {
  this.timeout(60_000);
  const tmp = tempDirs('wal-crash');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  describe('an open that does not sync still applies a log left by a crash', () => {
    it('a commit the writer was SIGKILLed after is visible to an open with syncWrites:false', async () => {
      const dir = await tmp.make();
      await crashAfter(dir, 5);
      assert.ok((await logFiles(dir)).length > 0);
      const store = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false });
      try {
        await assertWorkloadSteps(store, SID, 5, 'opened with syncWrites:false after the crash');
      } finally {
        await store.close();
      }
    });

    it('and no stale log is left to be replayed by a later syncing open over the commits made since', async () => {
      const dir = await tmp.make();
      await crashAfter(dir, 5);
      // The user has turned savepoint.syncWrites off: the store resumes and commits up to step 7.
      const plain = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false, snapshotEvery: 8 });
      const resumed = (await plain.getSession(SID))?.stepCount ?? 0;
      await commitSteps(plain, resumed + 1, 7, await stateOf(plain));
      await assertWorkloadSteps(plain, SID, 7, 'before closing');
      await plain.close();
      assert.deepEqual(await logFiles(dir), [], 'the old log was applied and removed');
      // ... and back on: the old log's step-5 batch is applied over step 7.
      const store = await openCheckpointStore({ dir, onLocked: 'fail' });
      try {
        await assertWorkloadSteps(store, SID, 7, 'reopened with syncWrites on');
      } finally {
        await store.close();
      }
    });
  });

  describe("a read-only copy holds every commit the owner has reported (it copies and applies the owner's log)", () => {
    for (const [label, args] of [
      ['a deferred commit', ['4', '1', '0']],
      ['a synced commit (A busy with synchronous work for 1.5 s right after it)', ['4', '0', '1500']],
    ] as const) {
      it(`${label} of process A is in a read-only copy taken after A reported it`, async () => {
        const dir = await tmp.make();
        const a = new FixtureProcess('walHolder', [dir, SID, ...args]);
        try {
          await a.waitFor(/^committed 4$/);
          const ro = await openCheckpointStore({ dir });
          try {
            assert.equal(ro.readOnly, true);
            assert.equal((await ro.getSession(SID))?.stepCount, 4, 'the copy holds the commit A reported');
          } finally {
            await ro.close();
          }
        } finally {
          await a.kill();
        }
      });
    }
  });

  it('a loop of synced commits that never yields: the batches waiting for LevelDB stay bounded', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    await store.createSession({ id: SID, title: 'loop' });
    let state = initialState();
    let most = 0;
    const times: number[] = [];
    for (let step = 1; step <= 1500; step++) {
      const b = buildStep(SID, step, state);
      const { snapshot: _none, ...commit } = b.commit;
      const t = process.hrtime.bigint();
      await store.commit(commit);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      state = b.next;
      most = Math.max(most, (store as unknown as { ctx: { logged: { pending: number } } }).ctx.logged.pending);
    }
    const avg = (a: number[]) => (a.reduce((x, y) => x + y, 0) / a.length).toFixed(3);
    await store.close();
    assert.ok(most < 100, `${most} batches waited for LevelDB at once; ms per commit, first 100: ${avg(times.slice(0, 100))}, last 100: ${avg(times.slice(-100))}`);
  });

  it('a commit whose segment switch fails (fdatasync EIO) is kept, not rejected; the log then takes nothing more until the store opens again, which has it', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    await store.createSession({ id: SID, title: 'wal' });
    let state = initialState();
    const commitBig = async (step: number) => {
      const b = buildStep(SID, step, state);
      await store.commit({ ...b.commit, blobs: [...(b.commit.blobs ?? []), { content: new Uint8Array(randomBytes(2_500_000)) }] });
      state = b.next;
    };
    for (let step = 1; step <= 3; step++) await commitBig(step);
    const original = fs.fdatasyncSync;
    let calls = 0;
    (fs as { fdatasyncSync: unknown }).fdatasyncSync = (fd: number) => {
      // The append's own fdatasync passes; the segment switch's (the second) fails.
      if (++calls === 2) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', syscall: 'fdatasync' });
      return original(fd);
    };
    try {
      await commitBig(4);
    } finally {
      (fs as { fdatasyncSync: unknown }).fdatasyncSync = original;
    }
    await assertWorkloadSteps(store, SID, 4, 'the commit that crossed 8 MB');
    await assert.rejects(commitBig(5), (e: Error & { code?: string }) => e.code === 'IO' && /could not be synced/.test(e.message));
    await store.close();
    const again = await openCheckpointStore({ dir, onLocked: 'fail' });
    try {
      await assertWorkloadSteps(again, SID, 4, 'opened again');
    } finally {
      await again.close();
    }
  });

  it('a segment that could not be removed stays with every later one, and is never replayed alone over newer state', async () => {
    const dir = await tmp.make();
    await crashAfter(dir, 3);
    // A transient failure, as on Windows when another program has the file open.
    const store = await withSegmentRemovalFailing(() => openCheckpointStore({ dir, onLocked: 'fail', snapshotEvery: 8 }));
    await assertWorkloadSteps(store, SID, 3, 'after the replay');
    await commitSteps(store, 4, 5, await stateOf(store));
    await store.close();
    const again = await openCheckpointStore({ dir, onLocked: 'fail' });
    try {
      await assertWorkloadSteps(again, SID, 5, 'the next open');
    } finally {
      await again.close();
    }
  });

  it('a damaged log is refused (CORRUPT, nothing replayed), and a repair sets it aside and opens what LevelDB holds', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, onLocked: 'fail', snapshotEvery: 8 });
    await store.createSession({ id: SID, title: 'wal' });
    await commitSteps(store, 1, 6, initialState());
    await assertWorkloadSteps(store, SID, 6, 'written (and handed to LevelDB: range reads settle the queue)');
    const image = await tmp.make();
    for (const name of await readdir(dir)) if (name !== 'LOCK') await copyFile(join(dir, name), join(image, name));
    await store.close();
    // One bit flips in the record of step 3 (records: meta, session, steps 1..6), and the log is in two segments.
    const [seg] = await logFiles(image);
    const file = join(image, seg as string);
    const buf = fs.readFileSync(file);
    let at = 8;
    for (let i = 0; i < 4; i++) at += 8 + buf.readUInt32BE(at);
    buf[at + 8 + 20] = (buf[at + 8 + 20] as number) ^ 1;
    let cut = 8;
    for (let i = 0; i < 3; i++) cut += 8 + buf.readUInt32BE(cut);
    fs.unlinkSync(file);
    fs.writeFileSync(join(image, `${LOG_PREFIX}000001`), buf.subarray(0, cut));
    fs.writeFileSync(join(image, `${LOG_PREFIX}000002`), Buffer.concat([buf.subarray(0, 8), buf.subarray(cut)]));
    await assert.rejects(openCheckpointStore({ dir: image, onLocked: 'fail' }), (e: Error & { code?: string }) => e.code === 'CORRUPT' && /SAVEPOINT-WAL-000002: a record fails its checksum/.test(e.message));
    assert.deepEqual(await logFiles(image), [`${LOG_PREFIX}000001`, `${LOG_PREFIX}000002`], 'refused, not touched');
    const backup = await repairCheckpointStore(image);
    tmp.adopt(backup);
    assert.deepEqual((await readdir(backup)).filter((n) => n.startsWith(LOG_PREFIX)).sort(), [`${LOG_PREFIX}000001`, `${LOG_PREFIX}000002`]);
    assert.deepEqual(await logFiles(image), [], 'set aside');
    assert.equal((await readdir(image)).filter((n) => n.startsWith(LOG_PREFIX) && n.includes('.damaged-')).length, 2);
    const opened = await openCheckpointStore({ dir: image, onLocked: 'fail' });
    try {
      await assertWorkloadSteps(opened, SID, 6, 'what LevelDB held');
    } finally {
      await opened.close();
    }
  });
});
