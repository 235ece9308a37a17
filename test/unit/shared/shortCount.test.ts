import assert from 'node:assert/strict';
import { listLine } from '../../../src/cli/listLine';
import type { SessionSummary } from '../../../src/core/store/types';
import { shortCount } from '../../../src/shared/shortCount';

describe('shortCount: a count of tokens said short (the sidebar and savepoint list)', () => {
  it('says small counts whole, then thousands and millions with two or three figures', () => {
    const said = [0, 999, 1000, 1049, 9949, 9950, 12_345, 999_499, 999_500, 2_385_000, 8_826_060, 95_400_000].map(shortCount);
    assert.deepEqual(said, ['0', '999', '1.0k', '1.0k', '9.9k', '10k', '12k', '999k', '1.0M', '2.4M', '8.8M', '95M']);
  });

  it('says 0 for what is not a count', () => {
    assert.deepEqual([Number.NaN, -5, Number.POSITIVE_INFINITY].map(shortCount), ['0', '0', '0']);
  });
});

describe('savepoint list: the tokens of a long session', () => {
  it('are said short, as in the sidebar (8.8M, not 8826060)', () => {
    const s = { id: '01M9687H92ECD570SBTFFCD48V', title: 'A long refactoring', status: 'completed', createdAt: 0, updatedAt: 0, stepCount: 1500, headSeq: 9000, snapshotSeq: 0, tokens: { input: 8_700_000, output: 126_060, cacheRead: 0, cacheWrite: 0 }, costUsd: 28.1, pendingApproval: null, pinned: false, parent: null, sizeBytes: 0 } as SessionSummary;
    assert.match(listLine(s, new Set([s.id])), /1500 steps  8\.8M tok /);
  });
});
