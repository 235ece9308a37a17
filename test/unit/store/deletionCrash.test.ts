import assert from 'node:assert/strict';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { BlobHash, SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { collect, stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

const SID = 'deleted-session' as SessionId;

/** Runs deleteKiller until its SIGKILL (or its end); returns the hashes of the session's two file versions. */
async function deleteKilledAt(dir: string, kill: 'after-delta-freed' | 'before-purge'): Promise<{ full: BlobHash; delta: BlobHash }> {
  const child = new FixtureProcess('deleteKiller', [dir, SID, kill]);
  const line = await child.waitFor(/^hashes /);
  const exit = await child.exited;
  assert.equal(exit.signal, 'SIGKILL', `the child was to kill itself at ${kill}; stderr: ${exit.stderr}`);
  const [, full, delta] = line.split(' ') as [string, BlobHash, BlobHash];
  return { full, delta };
}

describe('a session deletion SIGKILLed part way (real process, real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('deletion-crash');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('killed right after the delta version of a file is freed: vacuum then frees the version it was built on too, nothing is left', async () => {
    const dir = await tmp.make();
    const { full, delta } = await deleteKilledAt(dir, 'after-delta-freed');

    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    assert.equal(await store.getSession(SID), undefined, 'the session is gone from the index');
    assert.equal(await store.vacuum(), 1, 'the unfinished deletion is finished');
    assert.equal(await store.hasBlob(delta), false);
    assert.equal(await store.hasBlob(full), false, 'the first version of the file, which only the deleted session used, stays in the store for good');
    await store.close();
  });

  it('killed right after the delta version of a file is freed: the deletion record, once vacuum finishes it, counts both versions freed', async () => {
    const dir = await tmp.make();
    await deleteKilledAt(dir, 'after-delta-freed');

    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    await store.vacuum();
    const [deletion] = await store.listDeletions();
    assert.equal(deletion?.sessionId, SID);
    assert.equal(deletion?.blobsFreed, 2, 'the version freed before the crash is counted too');
    await store.close();
  });

  it('killed before its purge, then a new session takes the same id: the new session reads none of the old one, and vacuum leaves it whole', async () => {
    const dir = await tmp.make();
    await deleteKilledAt(dir, 'before-purge');

    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    assert.equal(await store.getSession(SID), undefined);
    // A caller-chosen id (the runner's `start({ id })`, a deterministic fork id) is free again.
    await store.createSession({ id: SID, title: 'new session, same id' });
    assert.equal(await store.getEffect(SID, 1, 'act'), undefined, 'the new session has no record of an effect at step 1 yet');
    await store.commit(stepCommit(SID, 1, 0, { effects: [{ step: 1, actionId: 'act', phase: 'intent', data: 'new 1' }] }));
    await store.vacuum();

    const load = await store.loadSession(SID);
    const events = await collect(load.tail);
    assert.equal(load.damage(), undefined, 'the new session is whole after vacuum');
    assert.deepEqual(events.map((e) => e.seq), [1, 2]);
    assert.deepEqual((await collect(store.readEvents(SID))).map((e) => e.seq), [1, 2], 'the old session\'s events 3 and 4 are not the new one\'s');
    assert.deepEqual((await store.listEffects(SID)).map((r) => [r.step, r.intent?.data, r.result?.data]), [[1, 'new 1', undefined]]);
    await store.close();
  });
});
