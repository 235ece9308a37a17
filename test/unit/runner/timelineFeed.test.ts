import assert from 'node:assert/strict';
import type { TimelineSnapshot } from '../../../src/shared/protocol';
import { FeedHarness } from './feedHarness';

describe('sidebar timeline feed: the open session', () => {
  let h: FeedHarness;
  beforeEach(async () => (h = await FeedHarness.open()));
  afterEach(async () => h.close());

  it('a session deleted while it is open in the view: the page is told it is gone, and the feed stops following it', async () => {
    const id = await h.session(3);
    const build = await h.feed.open(id);
    assert.ok(build, 'the session opens');
    assert.ok(build().entries.length > 0);
    await h.store.deleteSession(id as never, 'deleted by the user');
    await h.feed.refresh();
    const gone = h.posted.find((m) => (m.method as string) === 'timeline/snapshot') as { params: { timeline: TimelineSnapshot } } | undefined;
    assert.ok(gone, `the page is told (posted: ${JSON.stringify(h.posted.map((m) => m.method))})`);
    assert.equal(gone.params.timeline.sessionId, id);
    assert.deepEqual(gone.params.timeline.entries, [], 'an empty timeline: the page says the session no longer exists');
    // The store goes on: another session's changes do not bring the deleted one back.
    h.posted.length = 0;
    await h.feed.refresh();
    assert.deepEqual(h.posted, [], 'nothing more about the deleted session');
  });
});
