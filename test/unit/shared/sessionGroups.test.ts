import assert from 'node:assert/strict';
import type { SessionRow, SessionStatusView } from '../../../src/shared/protocol';
import { GROUP_PAGE, sessionGroups } from '../../../src/shared/sessionGroups';

const row = (n: number, status: SessionStatusView): SessionRow => ({
  id: `s${String(n).padStart(5, '0')}`,
  title: `session ${n}`,
  status,
  createdAt: n,
  updatedAt: n,
  steps: 1,
  tokens: 0,
  costUsd: 0,
  pendingApproval: null,
  forkOf: null,
});

describe('sidebar session groups: a thousand sessions are listed a page at a time', () => {
  const many = [...Array.from({ length: 1000 }, (_, n) => row(n, 'completed')), row(5000, 'running'), row(5001, 'waiting')];

  it('a group of 1,000 shows its newest GROUP_PAGE rows and says how many more there are', () => {
    const groups = sessionGroups(many, new Set(), new Map());
    assert.deepEqual(groups.map((g) => [g.status, g.total, g.shown.length, g.hidden]), [['running', 1, 1, 0], ['waiting', 1, 1, 0], ['completed', 1000, GROUP_PAGE, 1000 - GROUP_PAGE]]);
    const completed = groups[2]?.shown ?? [];
    assert.deepEqual(completed.map((s) => s.id), Array.from({ length: GROUP_PAGE }, (_, i) => `s${String(999 - i).padStart(5, '0')}`), 'newest first');
    assert.ok(GROUP_PAGE <= 100, 'bounded');
  });

  it('"Show more" adds a page; a collapsed group shows none', () => {
    const more = sessionGroups(many, new Set(), new Map([['completed', 3 * GROUP_PAGE]]));
    assert.equal(more.find((g) => g.status === 'completed')?.shown.length, 3 * GROUP_PAGE);
    const collapsed = sessionGroups(many, new Set(['completed']), new Map());
    assert.deepEqual(collapsed.map((g) => [g.status, g.total, g.shown.length, g.hidden]).at(-1), ['completed', 1000, 0, 0]);
  });
});
