import assert from 'node:assert/strict';
import { SharedListing, allSessions } from '../../../src/core/store/allSessions';
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

  // At every change of a running session (up to ten a second) the sidebar, the status bar and the
  // approval timeouts each listed every session: three reads of a thousand rows for one change.
  it('1,000 sessions: the views that refresh at one change share one listing; a change after it starts is read again', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, syncWrites: false });
    for (let i = 0; i < 1000; i++) await store.createSession({ title: `session ${i}` });
    let reads = 0;
    const listing = new SharedListing(() => {
      reads++;
      return allSessions((o) => store.listSessions(o));
    });
    listing.changed();
    const [sidebar, statusBar, timeouts] = await Promise.all([listing.get(), listing.get(), listing.get()]);
    assert.equal(reads, 1, 'one listing for the three views');
    assert.equal(sidebar.length, 1000);
    assert.deepEqual(statusBar, sidebar);
    assert.notEqual(statusBar, sidebar, 'each its own array (a caller may sort it)');
    assert.deepEqual(timeouts, sidebar);
    const first = listing.get();
    const added = await store.createSession({ title: 'made while the list was read' });
    listing.changed();
    const second = await listing.get();
    assert.equal(reads, 3, 'a change after the listing started is read again');
    assert.ok(second.some((s) => s.id === added.id));
    assert.equal((await first).length >= 1000, true);
    await listing.get();
    assert.equal(reads, 4, 'a listing that ended is not kept');
    await store.close();
  });
});
