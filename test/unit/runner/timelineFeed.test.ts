import assert from 'node:assert/strict';
import type { TimelineSnapshot } from '../../../src/shared/protocol';
import type { RunnerNotice } from '../../../src/core/runner/runner';
import { type FeedMessage, TIMELINE_PAGE, TimelineFeed } from '../../../src/core/runner/timelineFeed';
import type { SessionId } from '../../../src/core/store/types';
import { FeedHarness, readStep } from './feedHarness';

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

describe('sidebar timeline feed: a long session (2,000 steps)', () => {
  let h: FeedHarness;
  before(async () => (h = await FeedHarness.open()));
  after(async () => h.close());

  it('opens with the newest page of entries, not the whole timeline; earlier pages come on request, in order, each entry once; a new step sends only its own entries', async () => {
    const id = await h.session(2000);
    const build = await h.feed.open(id);
    assert.ok(build);
    const snap = build() as TimelineSnapshot & { earlier?: number };
    const all = 1 + 2 * 2000; // the task, and each step's turn and call
    assert.ok(snap.entries.length <= TIMELINE_PAGE, `the first message holds at most a page (${snap.entries.length} of ${all} entries)`);
    assert.equal(snap.earlier, all - snap.entries.length, 'and says how many came before it');
    assert.equal(snap.entries.at(-1)?.step, 2000, 'the newest entries');
    // Page back to the start, as the page's "Show earlier entries" does.
    const seen = [...snap.entries];
    let earlier = snap.earlier ?? 0;
    while (earlier > 0) {
      const page = await h.feed.earlier(id, seen[0]?.order ?? 0);
      assert.ok(page && page.entries.length > 0 && page.entries.length <= TIMELINE_PAGE);
      assert.equal(page.earlier, earlier - page.entries.length);
      seen.unshift(...page.entries);
      earlier = page.earlier;
    }
    assert.equal(seen.length, all);
    assert.equal(new Set(seen.map((e) => e.id)).size, all, 'no entry twice');
    assert.deepEqual(seen.map((e) => e.order), [...seen.map((e) => e.order)].sort((a, b) => a - b), 'in journal order');
    assert.equal(seen[0]?.kind, 'start');
    // A live session's next step: only what it changed goes out.
    await h.store.commit({ sessionId: id as never, expectedHeadSeq: (await h.store.getSession(id as never))?.headSeq ?? 0, events: readStep(2001) });
    h.posted.length = 0;
    await h.feed.refresh();
    assert.equal(h.posted.length, 1);
    const delta = h.posted[0];
    assert.ok(delta?.method === 'timeline/changed');
    assert.deepEqual(delta.params.entries.map((e) => [e.kind, e.step]), [['model', 2001], ['tool', 2001]], 'the new turn and its call, nothing else');
  });
});

describe('sidebar timeline feed: going to a step of a long session (1,500 steps)', () => {
  let h: FeedHarness;
  before(async () => (h = await FeedHarness.open()));
  after(async () => h.close());

  it('sends the page that starts at the step (bounded, with the counts before and after it); later pages come on request to the end, in order, each entry once', async () => {
    const id = await h.session(1500);
    assert.ok(await h.feed.open(id));
    const all = 1 + 2 * 1500;
    const page = await h.feed.around(id, 14);
    assert.ok(page);
    assert.ok(page.entries.length > 0 && page.entries.length <= TIMELINE_PAGE, `a page (${page.entries.length} entries)`);
    assert.deepEqual([page.entries[0]?.kind, page.entries[0]?.step], ['model', 14], 'it starts with step 14');
    assert.equal(page.earlier, 1 + 2 * 13, 'the task and steps 1 to 13 before it');
    assert.equal(page.later, all - page.earlier - page.entries.length, 'and says how many come after it');
    const seen = [...page.entries];
    let later = page.later;
    while (later > 0) {
      const next = await h.feed.later(id, seen.at(-1)?.order ?? 0);
      assert.ok(next && next.entries.length > 0 && next.entries.length <= TIMELINE_PAGE);
      assert.equal(next.later, later - next.entries.length);
      seen.push(...next.entries);
      later = next.later;
    }
    assert.equal(seen.length, all - page.earlier);
    assert.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'no entry twice');
    assert.deepEqual(seen.map((e) => e.order), [...seen.map((e) => e.order)].sort((a, b) => a - b), 'in journal order');
    assert.equal(seen.at(-1)?.step, 1500, 'to the newest');
    // The first step, the last one, and a session not shown.
    assert.equal((await h.feed.around(id, 1))?.earlier, 1);
    const last = await h.feed.around(id, 1500);
    assert.deepEqual([last?.entries[0]?.step, last?.later], [1500, 0]);
    assert.equal(await h.feed.around('another' as SessionId, 3), null);
    assert.equal(await h.feed.later('another' as SessionId, 3), null);
  });
});

describe("sidebar timeline feed: a command waiting for another session's command", () => {
  let h: FeedHarness;
  beforeEach(async () => (h = await FeedHarness.open()));
  afterEach(async () => h.close());

  it('says it waits for that session (by its title), then that it runs, in the open session\'s live notes', async () => {
    const other = await h.session(1, 'Run the migrations');
    const id = await h.session(1, 'Fix the tests');
    let listener: ((n: RunnerNotice) => void) | undefined;
    const posted: FeedMessage[] = [];
    const feed = new TimelineFeed({ get: async () => ({ store: h.store }) }, (l) => ((listener = l), { dispose: () => undefined }), (m) => posted.push(m), { warn: () => undefined });
    try {
      assert.ok(await feed.open(id));
      listener?.({ type: 'queued', sessionId: id as SessionId, callId: 'c1', behind: other as SessionId, waiting: true });
      listener?.({ type: 'queued', sessionId: id as SessionId, callId: 'c1', behind: other as SessionId, waiting: false });
      const build = await feed.open(id);
      const notes = build?.().live.notes ?? [];
      assert.deepEqual(notes, [
        'The command (c1) waits for a command of the session "Run the migrations" to finish: one command runs at a time in this folder',
        'The command (c1) runs now',
      ]);
    } finally {
      feed.dispose();
    }
  });
});
