import assert from 'node:assert/strict';
import { focusAfterTrim } from '../../../src/shared/trimFocus';

const ids = ['e1', 'e2', 'e3', 'e4', 'e5'];

describe('the keyboard focus when a long timeline drops its oldest entries', () => {
  it('on a dropped entry: to "Show earlier entries", which stands where it was and brings it back', () => {
    assert.equal(focusAfterTrim(ids, 2, { entry: 'e1' }, true), 'earlier');
    assert.equal(focusAfterTrim(ids, 2, { entry: 'e2' }, true), 'earlier');
  });

  it('on a dropped entry and no such control: to the nearest entry kept, the first after the dropped ones', () => {
    assert.deepEqual(focusAfterTrim(ids, 2, { entry: 'e1' }, false), { entry: 'e3' });
  });

  it('on an entry kept, it stays; on "Show earlier entries" (rebuilt with its new count), it goes back to it', () => {
    assert.equal(focusAfterTrim(ids, 2, { entry: 'e3' }, true), 'keep');
    assert.equal(focusAfterTrim(ids, 2, 'earlier', true), 'earlier');
  });

  it('never to nothing while something is left to take it; nothing to do when the focus was not in the list', () => {
    assert.deepEqual(focusAfterTrim(ids, 4, 'earlier', false), { entry: 'e5' });
    assert.equal(focusAfterTrim(ids, 5, { entry: 'e5' }, false), undefined);
    assert.equal(focusAfterTrim(ids, 2, undefined, true), undefined);
  });
});
