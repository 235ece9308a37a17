import assert from 'node:assert/strict';
import { describeEvent } from '../../../src/core/runner/timeline';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import { usd } from '../../../src/shared/money';

describe('usd: a cost as every view shows it (sidebar, CLI, session document, timeline, budget question)', () => {
  it('shows dollars to the cent, and a cost under a cent with two significant digits, never "$0.00" for one that cost something', () => {
    assert.equal(usd(0), '$0.00');
    assert.equal(usd(0.0003), '$0.0003');
    assert.equal(usd(0.000105), '$0.00011');
    assert.equal(usd(0.0049), '$0.0049');
    assert.equal(usd(0.0072), '$0.0072', 'not "$0.01": under a cent says how much under');
    assert.equal(usd(0.01), '$0.01');
    assert.equal(usd(0.1035), '$0.10');
    assert.equal(usd(1.234), '$1.23');
    assert.equal(usd(12), '$12.00');
    assert.equal(usd(1e-9), '$0.000000001');
  });

  it('never shows a negative or unknown cost', () => {
    assert.equal(usd(Number.NaN), '$0.00');
    assert.equal(usd(-1), '$0.00');
  });

  it("the timeline's model turn (the CLI's timeline and the session document) says its cost the same way, not to four places", () => {
    const turn = (costUsd: number) => describeEvent({ type: 'model_turn', data: { turn: 1, model: 'claude-sonnet-4-6', message: 'h', calls: [], usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 }, costUsd, retries: [] } } as unknown as RunnerEvent);
    assert.match(turn(1.23456), /tokens, \$1\.23$/);
    assert.match(turn(0.000105), /tokens, \$0\.00011$/);
  });
});
