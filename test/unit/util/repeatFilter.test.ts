import assert from 'node:assert/strict';
import { RepeatFilter } from '../../../src/core/util/repeatFilter';

describe('repeated actions from the sidebar (a double click)', () => {
  it('drops the repeats of an action under way, lets another action through, and the same one again once it finished', () => {
    let now = 10_000;
    const f = new RepeatFilter(1000, () => now);
    const done = f.admit('cancel a');
    assert.ok(done);
    now += 150;
    assert.equal(f.admit('cancel a'), undefined, 'the second click of a double click');
    now += 150;
    assert.equal(f.admit('cancel a'), undefined, 'a third click');
    assert.ok(f.admit('cancel b'), 'another action is no repeat');
    done();
    assert.ok(f.admit('cancel a'), 'finished: Enter, then Space, runs it twice');
  });

  it('does not block an action for good when its question stays open past the window', () => {
    let now = 0;
    const f = new RepeatFilter(1000, () => now);
    const first = f.admit('rewind a 3');
    now += 999;
    assert.equal(f.admit('rewind a 3'), undefined);
    now += 1;
    const second = f.admit('rewind a 3');
    assert.ok(second, 'a second later it runs again');
    first?.();
    assert.equal(f.admit('rewind a 3'), undefined, 'the first one finishing does not release the second');
    second?.();
    assert.ok(f.admit('rewind a 3'));
  });
});
