import assert from 'node:assert/strict';
import { applyEvents, emptyTimeline, type TimelineLookups } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import type { NoteEntry } from '../../../src/shared/timeline';

const none: TimelineLookups = { messageText: () => undefined, lineStats: () => undefined };
const rewind = (data: Record<string, unknown>): JournalEvent => ({ seq: 7, at: 1, step: 4, type: 'rewind', data: { rewindId: 'r', targetStep: 2, skipped: [], at: 1, ...data } });

function noteOf(e: JournalEvent): NoteEntry {
  const state = emptyTimeline();
  applyEvents(state, [e], none);
  const n = state.entries.get('note:7');
  assert.equal(n?.kind, 'note');
  return n as NoteEntry;
}

/** What the sidebar's timeline says of a rewind that took the conversation back (it said "Rewound 0 files to step 2"). */
describe('the timeline note of a rewind', () => {
  it('files only: how many files, to which step, with its undo', () => {
    const n = noteOf(rewind({ mode: 'files', files: [{ path: 'a.ts', fromHash: 'x', toHash: 'y' }] }));
    assert.equal(n.text, 'Rewound 1 file to step 2');
    assert.deepEqual(n.rewind, { seq: 7, id: 'r', undone: false });
  });

  it('conversation only: says the conversation went back and goes on in a new session, not "0 files"', () => {
    const n = noteOf(rewind({ mode: 'conversation', files: [], forkId: 'F1' }));
    assert.doesNotMatch(n.text, /0 files/);
    assert.match(n.text, /conversation/i);
    assert.match(n.text, /step 2/);
    assert.match(n.text, /new session/);
    assert.equal(n.rewind, undefined, 'nothing to undo: no offer');
  });

  it('files and conversation: both, and the new session', () => {
    const n = noteOf(rewind({ mode: 'both', files: [{ path: 'a.ts', fromHash: 'x', toHash: 'y' }], forkId: 'F1' }));
    assert.match(n.text, /^Rewound 1 file and the conversation to step 2/);
    assert.match(n.text, /new session/);
    assert.deepEqual(n.rewind, { seq: 7, id: 'r', undone: false });
  });
});
