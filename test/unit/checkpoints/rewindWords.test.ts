import assert from 'node:assert/strict';
import type { RewindResult } from '../../../src/core/checkpoints/rewind';
import { rewoundMessage } from '../../../src/core/checkpoints/rewindWords';
import type { SessionId } from '../../../src/core/store/types';

const result = (o: Partial<RewindResult>): RewindResult => ({ rewindId: 'rewind:S:9', written: [], skipped: [], notRestorable: [], linked: [], moveKept: [], memoryWritesUndone: 0, ...o });

/**
 * The notification after a rewind: it offers Undo only when the undo has something to give back.
 * A conversation-only rewind said "rewound 0 files" and offered an Undo that restored nothing and
 * left the fork in place.
 */
describe('the notification after a rewind', () => {
  it('offers Undo after files were written, and says how many', () => {
    const m = rewoundMessage({ targetStep: 2 }, result({ written: ['a.ts', 'b.ts'] }));
    assert.equal(m.offerUndo, true);
    assert.match(m.text, /rewound 2 files/);
    assert.match(m.text, /Undo it now or later/);
  });

  it('after a conversation-only rewind: names the new session, says the files stay, offers no Undo', () => {
    const m = rewoundMessage({ targetStep: 3 }, result({ forkId: 'F1' as SessionId }));
    assert.equal(m.offerUndo, false);
    assert.doesNotMatch(m.text, /rewound 0 files/);
    assert.doesNotMatch(m.text, /Undo/);
    assert.match(m.text, /a new session continues from step 3/);
    assert.match(m.text, /no file was changed/);
  });

  it('offers Undo when only long-term memory writes were taken back', () => {
    const m = rewoundMessage({ targetStep: 1 }, result({ forkId: 'F1' as SessionId, memoryWritesUndone: 2 }));
    assert.equal(m.offerUndo, true);
    assert.match(m.text, /2 long-term memory writes/);
  });

  it('when every file was kept (edited outside the session): says so, and offers no Undo of nothing', () => {
    const m = rewoundMessage({ targetStep: 0 }, result({ skipped: ['a.ts'] }));
    assert.equal(m.offerUndo, false);
    assert.match(m.text, /no file was changed/);
    assert.match(m.text, /kept 1 edited outside the session/);
    assert.doesNotMatch(m.text, /Undo/);
  });
});
