import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { collect, stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

async function logBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir)) if (f.endsWith('.log') && f !== 'LOG') n += (await stat(join(dir, f))).size;
  return n;
}

describe('disk store: closing leaves nothing for the next open to replay (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('disk');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('flushes the write-ahead log into a table on close; the next open finds every step', async () => {
    const dir = await tmp.make();
    let store = await openCheckpointStore({ dir, onLocked: 'fail' });
    const s = await store.createSession({ title: 't' });
    let head = 0;
    for (let step = 1; step <= 5; step++) head = (await store.commit(stepCommit(s.id, step, head))).headSeq;
    assert.ok((await logBytes(dir)) > 0, 'the steps are in the log while the store is open');
    await store.close();
    assert.equal(await logBytes(dir), 0, 'nothing left to replay');
    store = await openCheckpointStore({ dir, onLocked: 'fail' });
    try {
      assert.equal((await store.getSession(s.id))?.headSeq, 10);
      assert.equal((await collect(store.readEvents(s.id))).length, 10);
      head = (await store.commit(stepCommit(s.id, 6, head))).headSeq;
      assert.equal(head, 12);
    } finally {
      await store.close();
    }
  });
});
