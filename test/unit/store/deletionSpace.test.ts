import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { tempDirs } from './helpers/tmp';

/** Bytes of the store's files on disk (LevelDB's tables and logs, the store's own log). */
async function du(dir: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

const MB = 1024 * 1024;

describe('deleting sessions gives their space back to the disk (real LevelDB, real files)', function () {
  this.timeout(90_000);
  const tmp = tempDirs('deletion-space');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('three sessions of 4 MB of files each, two deleted: the store on disk shrinks to about one session', async () => {
    const dir = await tmp.make();
    let store = await openCheckpointStore({ dir, onLocked: 'fail' });
    const ids: SessionId[] = [];
    for (let k = 0; k < 3; k++) {
      const s = await store.createSession({ title: `session ${k}`, status: 'completed' });
      ids.push(s.id);
      let head = 0;
      // Incompressible file versions, one per step: 40 x 100 KB.
      for (let step = 1; step <= 40; step++) {
        const r = await store.commit({ sessionId: s.id, expectedHeadSeq: head, events: [{ step, type: 'step', data: {} }], blobs: [{ content: randomBytes(100_000) }] });
        head = r.headSeq;
      }
    }
    await store.close();
    const before = await du(dir);
    assert.ok(before > 11 * MB, `the three sessions take ${before} bytes`);

    store = await openCheckpointStore({ dir, onLocked: 'fail' });
    for (const id of ids.slice(0, 2)) assert.equal((await store.deleteSession(id, 'deleted by the user')).blobsFreed, 40);
    await store.close();
    const after = await du(dir);
    assert.ok(after < 6 * MB, `after deleting two of the three sessions the store still takes ${after} bytes (${before} before)`);

    store = await openCheckpointStore({ dir, onLocked: 'fail' });
    const [kept] = (await store.listSessions()).sessions;
    assert.equal(kept?.id, ids[2], 'the third session is still there');
    await store.close();
  });
});
