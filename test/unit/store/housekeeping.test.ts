import assert from 'node:assert/strict';
import { ClassicLevel } from 'classic-level';
import { tidyStore } from '../../../src/core/store/housekeeping';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { BlobHash, SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { tempDirs } from './helpers/tmp';

const SID = 'deleted-session' as SessionId;

/** The database's keys that belong to SID (its journal, snapshots, effects, owned blobs, references). */
async function keysOf(dir: string, sid: string): Promise<string[]> {
  const db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open({ createIfMissing: false });
  const out: string[] = [];
  try {
    for await (const k of db.keys()) if (k.includes(sid) && !k.startsWith('d!')) out.push(k);
  } finally {
    await db.close();
  }
  return out;
}

describe('start-up housekeeping of a store on disk: a deletion SIGKILLed part way (real process, real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('housekeeping');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('the next start finishes the purge: the deleted session leaves no record and no blob behind', async () => {
    const dir = await tmp.make();
    const child = new FixtureProcess('deleteKiller', [dir, SID, 'before-purge']);
    const [, full, delta] = (await child.waitFor(/^hashes /)).split(' ') as [string, BlobHash, BlobHash];
    assert.equal((await child.exited).signal, 'SIGKILL');
    assert.ok((await keysOf(dir, SID)).length > 0, 'the kill left the session\'s records');

    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    const done = await tidyStore(store);
    assert.equal(done.finished, 1);
    assert.equal(await store.hasBlob(full), false);
    assert.equal(await store.hasBlob(delta), false);
    const [deletion] = await store.listDeletions();
    assert.equal(deletion?.blobsFreed, 2);
    await store.close();
    assert.deepEqual(await keysOf(dir, SID), [], 'nothing of the deleted session is left in the database');

    const again = await openCheckpointStore({ dir, onLocked: 'fail' });
    assert.equal((await tidyStore(again)).finished, 0, 'a second start has nothing left to finish');
    await again.close();
  });

  it('a store opened read-only (another window holds it) is left as it is', async () => {
    const dir = await tmp.make();
    const child = new FixtureProcess('deleteKiller', [dir, SID, 'before-purge']);
    await child.waitFor(/^hashes /);
    await child.exited;
    const owner = await openCheckpointStore({ dir, onLocked: 'fail' });
    const reader = await openCheckpointStore({ dir, onLocked: 'readonly' });
    try {
      assert.equal(reader.readOnly, true);
      assert.deepEqual(await tidyStore(reader), { finished: 0 });
    } finally {
      await reader.close();
      await owner.close();
    }
  });
});
