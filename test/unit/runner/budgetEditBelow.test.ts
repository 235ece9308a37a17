import assert from 'node:assert/strict';
import { answerEvents } from '../../../src/core/runner/approvalAnswer';
import { emptyCounters } from '../../../src/core/runner/budgets';
import type { ApprovalRequestedData } from '../../../src/core/runner/runEvents';
import { initialRunState } from '../../../src/core/runner/runState';
import { RunnerError } from '../../../src/core/runner/sessionJournal';

const asked: ApprovalRequestedData = { approvalId: 'budget:9', kind: 'budget', reasons: ['cost budget used: $2.75 of $2.50'], requestedAt: 1 };
const state = { ...initialRunState(), status: 'waiting' as const, budgets: { maxCostUsd: 2.5 }, counters: { ...emptyCounters(), costUsd: 2.75 } };

describe('a budget answer that sets a limit (the CLI\'s approve --edit, the editor\'s Set Limit)', () => {
  it('refuses a limit not above what is used (the question would come back at once), and records nothing', () => {
    assert.throws(() => answerEvents(state, asked, { decision: 'edit', input: { maxCostUsd: 2.6 } }), (e: unknown) => RunnerError.is(e, 'INVALID') && /maxCostUsd 2\.6 is not more than the \$2\.75 used.*nothing was recorded/.test((e as Error).message));
    assert.equal(answerEvents(state, asked, { decision: 'edit', input: { maxCostUsd: 5 } }).events[1]?.type, 'budgets_changed');
    assert.equal(answerEvents(state, asked, { decision: 'edit', input: { maxCostUsd: 0 } }).events[1]?.type, 'budgets_changed', '0: no limit');
  });
});
