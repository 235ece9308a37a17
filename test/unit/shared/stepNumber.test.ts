import assert from 'node:assert/strict';
import { readStepNumber } from '../../../src/shared/stepNumber';

describe('"Go to step": the step number the user typed', () => {
  it('a number of the session, as typed or copied from `savepoint show` ("step 14", "#14", "1,200")', () => {
    assert.deepEqual(readStepNumber('14', 1500), { step: 14 });
    assert.deepEqual(readStepNumber('  step 14 ', 1500), { step: 14 });
    assert.deepEqual(readStepNumber('Step14', 1500), { step: 14 });
    assert.deepEqual(readStepNumber('#1', 1500), { step: 1 });
    assert.deepEqual(readStepNumber('1,200', 1500), { step: 1200 });
    assert.deepEqual(readStepNumber('1500', 1500), { step: 1500 });
    assert.deepEqual(readStepNumber('007', undefined), { step: 7 });
  });

  it('not a number: refused, saying which numbers there are', () => {
    assert.deepEqual(readStepNumber('abc', 1500), { error: '"abc" is not a step number: type a number from 1 to 1,500.' });
    for (const t of ['1.5', '-3', '14a', '1e3', '12,34', 'step', '0x10', '9'.repeat(30)]) assert.ok('error' in readStepNumber(t, 1500), t);
    assert.deepEqual(readStepNumber('   ', 1500), { error: 'Type a step number from 1 to 1,500.' });
    assert.match((readStepNumber('x'.repeat(200), 10) as { error: string }).error, /^"x{20}…" is not a step number/);
  });

  it('a step the session does not have: refused with its range', () => {
    assert.deepEqual(readStepNumber('9999', 101), { error: 'There is no step 9999: this session has steps from 1 to 101.' });
    assert.deepEqual(readStepNumber('0', 101), { error: 'There is no step 0: this session has steps from 1 to 101.' });
    assert.deepEqual(readStepNumber('3', 0), { error: 'This session has no steps yet.' });
  });
});
