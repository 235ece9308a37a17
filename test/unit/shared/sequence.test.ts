import assert from 'node:assert/strict';
import { SeqTracker } from '../../../src/shared/sequence';

describe('sequenced host messages: the webview applies them in order and resyncs on a gap', () => {
  it('ignores everything before the bootstrap, then applies the next seqs in order', () => {
    const t = new SeqTracker();
    assert.equal(t.accept(1), 'ignore');
    t.bootstrap(4);
    assert.deepEqual([5, 6, 7].map((n) => t.accept(n)), ['apply', 'apply', 'apply']);
  });

  it('a gap (or a replay) asks for a fresh snapshot once, and ignores the rest until it comes', () => {
    const t = new SeqTracker();
    t.bootstrap(0);
    assert.equal(t.accept(1), 'apply');
    assert.equal(t.accept(3), 'resync', 'seq 2 was lost');
    assert.equal(t.accept(4), 'ignore', 'waiting for the snapshot');
    t.bootstrap(9);
    assert.equal(t.accept(10), 'apply');
    assert.equal(t.accept(10), 'resync', 'a duplicate is a gap too');
  });
});
