import assert from 'node:assert/strict';
import { allSessions } from '../../../src/core/store/allSessions';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { ListSessionsOptions, SessionId } from '../../../src/core/store/types';
import { stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

describe('allSessions: every session, while the same process keeps committing (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('all-sessions');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('1,000 sessions listed while an old one is resumed and commits a step: each is listed exactly once', async () => {
    const dir = await tmp.make();
    let clock = 1_000_000;
    const store = await openCheckpointStore({ dir, now: () => ++clock });
    const ids: SessionId[] = [];
    for (let i = 0; i < 1000; i++) ids.push((await store.createSession({ id: `s${String(i).padStart(4, '0')}` as SessionId, title: `session ${i}` })).id);
    const oldest = ids[0] as SessionId;
    let resumed = false;
    // The sidebar pages through the list; the runner of the oldest session commits meanwhile.
    const listed = await allSessions(async (o: ListSessionsOptions) => {
      const page = await store.listSessions(o);
      if (!resumed) {
        resumed = true;
        await store.commit(stepCommit(oldest, 1, 0));
      }
      return page;
    });
    const seen = listed.map((s) => s.id);
    assert.equal(new Set(seen).size, seen.length, 'no session listed twice');
    assert.ok(seen.includes(oldest), 'the session that was resumed while the list was read is in it');
    assert.equal(seen.length, 1000);
    await store.close();
  });
});
