import assert from 'node:assert/strict';
import { conflictsToAsk, overwritesChosen } from '../../../src/core/checkpoints/overwriteChoice';
import type { RewindFilePlan } from '../../../src/core/checkpoints/rewindPlan';
import type { BlobHash } from '../../../src/core/store/types';

const file = (path: string, action: RewindFilePlan['action'], conflict: boolean): RewindFilePlan => ({ path, action, fromHash: 'a' as BlobHash, toHash: 'b' as BlobHash, conflict, restorable: true, diff: '', symbols: [] });

/**
 * Before a rewind (or its undo) writes, the user is asked which files edited outside the session to
 * overwrite. Escape on that question went on with the rewind: the other files were written and a
 * rewind recorded, when the user had backed out.
 */
describe('the question which edited files a rewind overwrites', () => {
  it('asks about the files about to change that were edited outside the session', () => {
    assert.deepEqual(conflictsToAsk([file('a.ts', 'restore', true), file('b.ts', 'restore', false), file('c.ts', 'none', true)]), ['a.ts']);
  });

  it('ticked files are overwritten; none ticked keeps them all and goes on', () => {
    assert.deepEqual(overwritesChosen(['a.ts', 'b.ts'], ['b.ts']), ['b.ts']);
    assert.deepEqual(overwritesChosen(['a.ts'], []), []);
  });

  it('dismissed (Escape): the whole rewind is cancelled', () => {
    assert.equal(overwritesChosen(['a.ts'], undefined), undefined);
  });

  it('nothing to ask: nothing to overwrite, and the rewind goes on', () => {
    assert.deepEqual(overwritesChosen([], undefined), []);
  });
});
