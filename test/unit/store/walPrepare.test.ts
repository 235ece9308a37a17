import assert from 'node:assert/strict';
import fs from 'node:fs';
import { cp } from 'node:fs/promises';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { assertWorkloadSteps } from '../../fixtures/storeVerify';
import { initialState } from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';
import { logFiles, walSession } from './helpers/walSession';

const SID = 'wal-prepare' as SessionId;
const { commitSteps } = walSession(SID);
const fsAny = fs as unknown as Record<string, unknown>;

/** The syncs made on this thread while `run` runs: the log's fdatasyncs, and the fsyncs of its folder. */
async function syncsDuring(run: () => Promise<void>): Promise<{ fdatasync: number; fsync: number }> {
  const counts = { fdatasync: 0, fsync: 0 };
  const realData = fs.fdatasyncSync;
  const realSync = fs.fsyncSync;
  fsAny.fdatasyncSync = (fd: number) => {
    counts.fdatasync++;
    realData(fd);
  };
  fsAny.fsyncSync = (fd: number) => {
    counts.fsync++;
    realSync(fd);
  };
  try {
    await run();
  } finally {
    fsAny.fdatasyncSync = realData;
    fsAny.fsyncSync = realSync;
  }
  return counts;
}

/** Until the thread pool has done what `prepareCommit` gave it (its folder's fsync called back). */
async function poolDone(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
}

/** A store with the session and nothing in its log (closed cleanly), opened again. */
async function reopened(dir: string) {
  const first = await openCheckpointStore({ dir, onLocked: 'fail' });
  await first.createSession({ id: SID, title: 'prepared log' });
  await first.close();
  assert.deepEqual(await logFiles(dir), []);
  return openCheckpointStore({ dir, onLocked: 'fail' });
}

describe("the store's write-ahead log made ahead of a commit (prepareCommit, as a rewind's plan does)", () => {
  const tmp = tempDirs('wal-prepare');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('the first synced commit after it writes into a segment already on disk: one fdatasync, no folder sync (without it: a folder sync too)', async () => {
    const dir = await tmp.make();
    const store = await reopened(dir);
    try {
      store.prepareCommit();
      assert.equal((await logFiles(dir)).length, 1, 'the segment is made at once');
      await poolDone();
      assert.deepEqual(await syncsDuring(async () => void (await commitSteps(store, 1, 1, initialState()))), { fdatasync: 1, fsync: 0 });
    } finally {
      await store.close();
    }
    const plain = await reopened(await tmp.make());
    try {
      assert.deepEqual(await syncsDuring(async () => void (await commitSteps(plain, 1, 1, initialState()))), { fdatasync: 1, fsync: 1 }, 'the comparison: the segment made by the commit');
    } finally {
      await plain.close();
    }
  });

  it('a commit right after it, before the pool is done, still syncs what it needs itself, and is kept', async () => {
    const dir = await tmp.make();
    const store = await reopened(dir);
    try {
      store.prepareCommit();
      const counts = await syncsDuring(async () => void (await commitSteps(store, 1, 2, initialState())));
      assert.ok(counts.fdatasync >= 2 && counts.fsync <= 1, JSON.stringify(counts));
      await assertWorkloadSteps(store, SID, 2, 'committed');
    } finally {
      await store.close();
    }
    const again = await openCheckpointStore({ dir, onLocked: 'fail' });
    await assertWorkloadSteps(again, SID, 2, 'opened again');
    await again.close();
  });

  it('a segment made and never used: a clean close removes it; left by a crash, the next open takes it as an empty log, losing nothing', async () => {
    const dir = await tmp.make();
    const store = await reopened(dir);
    await commitSteps(store, 1, 3, initialState());
    await store.close();
    const next = await openCheckpointStore({ dir, onLocked: 'fail' });
    next.prepareCommit();
    await poolDone();
    // The files as a SIGKILL now would leave them: LevelDB's, and the log's prepared segment.
    const image = await tmp.make();
    await cp(dir, image, { recursive: true, filter: (src) => !src.endsWith('/LOCK') });
    assert.equal((await logFiles(image)).length, 1);
    await next.close();
    assert.deepEqual(await logFiles(dir), [], 'a clean close leaves no segment');
    const crashed = await openCheckpointStore({ dir: image, onLocked: 'fail' });
    try {
      await assertWorkloadSteps(crashed, SID, 3, 'after the crash image');
      assert.deepEqual(await logFiles(image), [], 'the empty segment is settled like any log');
    } finally {
      await crashed.close();
    }
  });

  it('a store that does not sync its writes, or a read-only copy, makes nothing ahead', async () => {
    const dir = await tmp.make();
    await (await reopened(dir)).close();
    const plain = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false });
    try {
      plain.prepareCommit();
      assert.deepEqual(await logFiles(dir), []);
      const copy = await openCheckpointStore({ dir, onLocked: 'readonly' });
      try {
        assert.equal(copy.readOnly, true);
        copy.prepareCommit();
        assert.deepEqual(await logFiles(dir), []);
      } finally {
        await copy.close();
      }
    } finally {
      await plain.close();
    }
  });
});
