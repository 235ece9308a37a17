import assert from 'node:assert/strict';
import type { RewindResult } from '../../../src/core/checkpoints/rewind';
import type { RewindFilePlan } from '../../../src/core/checkpoints/rewindPlan';
import { forkedMessage, previewDetail, rewindQuestion, rewoundMessage, undoQuestion, undoneMessage } from '../../../src/core/checkpoints/rewindWords';
import type { BlobHash, SessionId } from '../../../src/core/store/types';

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
    const m = rewoundMessage({ targetStep: 3 }, result({ forkId: 'F1' as SessionId, forkTitle: 'Fix the parser (fork at step 3)' }));
    assert.equal(m.offerUndo, false);
    assert.doesNotMatch(m.text, /rewound 0 files/);
    assert.doesNotMatch(m.text, /Undo/);
    assert.equal(m.text, 'Savepoint: no file was changed; the conversation goes on from step 3 in a new session, "Fix the parser (fork at step 3)", paused until you resume it (Resume It, or from the sidebar).');
    assert.equal(m.offerResume, true);
  });

  it('after a files-only rewind: nothing to resume', () => {
    assert.equal(rewoundMessage({ targetStep: 2 }, result({ written: ['a.ts'] })).offerResume, false);
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

/**
 * The question before a rewind. A conversation-only rewind asked "rewind to step 3? 0 files will
 * change; only files this session touched, and a safety checkpoint lets you undo it": nothing said
 * that a new session is made, and the undo it promised was not offered afterwards.
 */
describe('the question before a rewind', () => {
  it('files only: the files that change, and the undo', () => {
    assert.equal(rewindQuestion('files', 2, []), 'Savepoint: rewind to step 2? 0 files will change; only files this session touched, and a safety checkpoint lets you undo it.');
  });

  it('conversation only: a new session goes on from the step; this one and the files stay', () => {
    const q = rewindQuestion('conversation', 3, []);
    assert.equal(q, 'Savepoint: rewind the conversation to step 3? A new session goes on from step 3; this session and the files stay as they are.');
  });

  it('files and conversation: both said', () => {
    assert.equal(rewindQuestion('both', 0, []), 'Savepoint: rewind the files and the conversation to before the session? 0 files will change; only files this session touched, and a safety checkpoint lets you undo it. A new session goes on from before the session; this one is kept as it is.');
  });
});

/**
 * The notification after Undo a Rewind. With every file edited since and kept, it said "rewind
 * undone (0 files restored, kept 2 edited outside the session)": nothing was undone, and the rewind
 * is still there to undo once the user chooses to overwrite them.
 */
describe('the notification after an undo', () => {
  const undone = (o: { written?: string[]; skipped?: string[]; linked?: string[] }) => ({ rewindId: 'rewind:S:9', written: [], skipped: [], notRestorable: [], linked: [], ...o });

  it('every file restored: says how many', () => {
    assert.equal(undoneMessage(undone({ written: ['a.ts'] })), 'Savepoint: rewind undone (1 file restored).');
  });

  it('every file kept: says that nothing was undone, and that the undo can be made later', () => {
    assert.equal(undoneMessage(undone({ skipped: ['a.ts', 'b.ts'] })), 'Savepoint: the rewind was not undone: no file was changed (kept 2 edited outside the session). To give them back, run Savepoint: Undo a Rewind again and tick them.');
  });

  it('some kept: the undo is partly made, and the rest can still be given back', () => {
    assert.equal(undoneMessage(undone({ written: ['a.ts'], skipped: ['b.ts'] })), 'Savepoint: rewind partly undone (1 file restored, kept 1 edited outside the session). To give it back too, run Savepoint: Undo a Rewind again and tick it.');
  });

  it('kept for a symlink only: nothing to tick, no such advice', () => {
    assert.equal(undoneMessage(undone({ written: ['a.ts'], skipped: ['c.ts'], linked: ['c.ts'] })), 'Savepoint: rewind partly undone (1 file restored, kept 1 that a symlink is in the way of).');
  });

  it('only long-term memory writes given back', () => {
    assert.equal(undoneMessage(undone({}), [], true), 'Savepoint: rewind undone (no file to restore; the long-term memory writes it took back are restored).');
  });
});

/**
 * In a workspace of several folders, a session works in one of them: the question before a rewind or
 * its undo named files by their path in that folder ("restore src/index.ts") and never said which
 * folder, though two folders may both have src/index.ts.
 */
describe('the questions in a workspace of several folders', () => {
  it('a rewind names the folder it writes in', () => {
    assert.equal(rewindQuestion('files', 2, [], { folder: 'api' }), 'Savepoint: rewind to step 2 in the folder "api"? 0 files will change; only files this session touched, and a safety checkpoint lets you undo it.');
    assert.equal(rewindQuestion('both', 2, [], { folder: 'api' }), 'Savepoint: rewind the files in the folder "api" and the conversation to step 2? 0 files will change; only files this session touched, and a safety checkpoint lets you undo it. A new session goes on from step 2; this one is kept as it is.');
    assert.equal(rewindQuestion('conversation', 2, [], { folder: 'api' }), 'Savepoint: rewind the conversation to step 2? A new session goes on from step 2; this session and the files stay as they are.');
  });

  it('an undo names the folder too; with one folder, neither does', () => {
    assert.equal(undoQuestion(0, [], { folder: 'web' }), 'Savepoint: undo the rewind to before the session in the folder "web"? Files go back to what they held before the rewind: 0 files will change.');
    assert.equal(undoQuestion(3, []), 'Savepoint: undo the rewind to step 3? Files go back to what they held before the rewind: 0 files will change.');
  });
});

/**
 * A step that never finished (cut short by a crash, or stopped at a question) cannot be gone back to:
 * a rewind or a fork goes back to the end of the step before. The question then said "rewind to step 1?"
 * to the user who had picked step 2, and the fork "forked from step 1", without a word of why.
 */
describe('a rewind or fork of a step that never finished', () => {
  it('the question says why it goes back further than the step picked', () => {
    assert.equal(rewindQuestion('both', 1, [], { asked: 2 }), 'Savepoint: rewind the files and the conversation to step 1? 0 files will change; only files this session touched, and a safety checkpoint lets you undo it. A new session goes on from step 1; this one is kept as it is. Step 2 never finished (cut short, or stopped at a question), so this goes back to the end of step 1.');
    assert.match(rewindQuestion('conversation', 0, [], { asked: 1 }), /Step 1 never finished \(cut short, or stopped at a question\), so this goes back to before the session\.$/);
    assert.doesNotMatch(rewindQuestion('files', 2, [], { asked: 2 }), /never finished/);
  });

  it('the fork says so too', () => {
    assert.equal(forkedMessage('Fix it (fork at step 1)', 2, 1), 'Savepoint: new session "Fix it (fork at step 1)" forked from step 1 (step 2 never finished: cut short, or stopped at a question); the original is unchanged.');
    assert.equal(forkedMessage('Fix it (fork at step 2)', 2, 2), 'Savepoint: new session "Fix it (fork at step 2)" forked from step 2; the original is unchanged.');
    assert.equal(forkedMessage('Fix it (fork at step 0)', 0, 0), 'Savepoint: new session "Fix it (fork at step 0)" forked from before the session; the original is unchanged.');
  });
});

/**
 * Undo a Rewind of a rewind that also started a new session (files and conversation) gives the files
 * back, and leaves that session as it is: the question did not say so, and a user could take the undo
 * for one that also takes the new session away.
 */
describe('the question before undoing a rewind that started a new session', () => {
  it('says that the new session stays', () => {
    assert.equal(undoQuestion(2, [], { mode: 'both' }), 'Savepoint: undo the rewind to step 2? Files go back to what they held before the rewind: 0 files will change. The new session it started stays as it is (delete it from the session list if you no longer want it).');
    assert.doesNotMatch(undoQuestion(2, [], { mode: 'files' }), /new session/);
  });
});

/**
 * The modal before a rewind or its undo after a step that changed thousands of files (a `git
 * checkout` of another branch, a generator): it listed every one, a detail taller than the window
 * whose buttons were out of reach. It stays a screen: what needs the user's eye first, then a count.
 */
describe('the preview of a rewind of thousands of files', () => {
  const file = (path: string, o: Partial<RewindFilePlan> = {}): RewindFilePlan => ({ path, action: 'restore', fromHash: null, toHash: null, conflict: false, restorable: true, diff: '', symbols: [], ...o });

  it('names the files that need a look (changed outside, not restorable) and counts the rest, with the extra lines kept', () => {
    const changes = [...Array.from({ length: 3000 }, (_, i) => file(`src/f${i}.ts`, i % 3 === 0 ? { action: 'delete' } : {})), file('src/mine.ts', { conflict: true, fromHash: 'h' as BlobHash }), file('logo.png', { restorable: false })];
    const detail = previewDetail(changes, ['Also undoes 2 long-term memory writes this session made after that step.']);
    const lines = detail.split('\n');
    assert.ok(lines.length <= 30, `${lines.length} lines`);
    assert.ok(lines.includes('restore src/mine.ts (changed outside the session)'), 'a file changed outside the session is named');
    assert.ok(lines.includes('restore logo.png (kept by hash only: not restorable)'), 'a file that cannot be restored is named');
    assert.ok(lines.includes('restore src/f1.ts'), 'the first files are named');
    assert.match(detail, /\n… and 2,979 more files \(993 delete, 1,986 restore\): Show Changes shows every file\.\n/);
    assert.equal(lines.at(-1), 'Also undoes 2 long-term memory writes this session made after that step.');
  });

  it('a short preview is every line, as before', () => {
    assert.equal(previewDetail([file('a.ts'), file('b.ts', { action: 'delete' })], ['x']), 'restore a.ts\ndelete b.ts\nx');
  });
});
