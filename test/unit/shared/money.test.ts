import assert from 'node:assert/strict';
import { usd } from '../../../src/shared/money';

describe('usd: a session cost in the lists', () => {
  it('shows cents, and "<$0.01" for a cost that rounds to nothing', () => {
    assert.equal(usd(0), '$0.00');
    assert.equal(usd(0.0003), '<$0.01');
    assert.equal(usd(0.0049), '<$0.01');
    assert.equal(usd(0.005), '$0.01');
    assert.equal(usd(1.234), '$1.23');
    assert.equal(usd(12), '$12.00');
  });

  it('never shows a negative or unknown cost', () => {
    assert.equal(usd(Number.NaN), '$0.00');
    assert.equal(usd(-1), '$0.00');
  });
});
