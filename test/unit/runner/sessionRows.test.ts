import assert from 'node:assert/strict';
import type { SessionId, SessionSummary } from '../../../src/core/store/types';
import { toRows } from '../../../src/core/runner/sessionRows';

const summary = (id: string, title: string, parent: SessionSummary['parent'] = null): SessionSummary => ({
  id: id as SessionId,
  title,
  status: 'paused',
  createdAt: 1,
  updatedAt: 2,
  stepCount: 3,
  headSeq: 9,
  snapshotSeq: 0,
  tokens: { input: 10, output: 5, cacheRead: 2, cacheWrite: 1 },
  costUsd: 0.5,
  pendingApproval: null,
  pinned: false,
  parent,
  sizeBytes: 0,
});

describe('sidebar rows: the tree of sessions', function () {
  it('a fork names its source (title and step); a deleted source, or a link without a step, says so', () => {
    const rows = toRows([
      summary('A', 'refactor the parser'),
      summary('B', 'refactor the parser (fork at step 2)', { sessionId: 'A' as SessionId, seq: 14, step: 2 }),
      summary('C', 'orphan', { sessionId: 'GONE' as SessionId, seq: 3, step: 1 }),
      summary('D', 'older link', { sessionId: 'A' as SessionId, seq: 5 }),
    ]);
    assert.deepEqual(rows.map((r) => [r.id, r.forkOf]), [
      ['A', null],
      ['B', { id: 'A', title: 'refactor the parser', step: 2 }],
      ['C', { id: 'GONE', title: null, step: 1 }],
      ['D', { id: 'A', title: 'refactor the parser', step: null }],
    ]);
    assert.equal(rows[0]?.tokens, 18);
  });
});
