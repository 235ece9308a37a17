import assert from 'node:assert/strict';
import { budgetEditFault } from '../../../src/core/runner/budgets';
import { type UsedBudget, limitAnswer, limitQuestion } from '../../../src/shared/budgetLimit';

const cost: UsedBudget = { kind: 'cost', limit: 2.5, used: 2.75 };
const steps: UsedBudget = { kind: 'steps', limit: 3, used: 3 };

describe("the editor's budget question: a new limit typed by the user", () => {
  it('sets the used-up budget to the number typed, "$" allowed for dollars, 0 for no limit; the runner takes what it gives', () => {
    for (const [text, b, want] of [['5', cost, { maxCostUsd: 5 }], [' $4.50 ', cost, { maxCostUsd: 4.5 }], ['0', cost, { maxCostUsd: 0 }], ['10', steps, { maxSteps: 10 }]] as const) {
      const got = limitAnswer(text, b);
      assert.deepEqual(got, { budgets: want }, text);
      assert.equal(budgetEditFault(got.budgets), undefined);
    }
  });

  it('refuses what is not a limit, a fraction of steps, or a limit not above what is used, saying why (and sets nothing)', () => {
    assert.match(limitAnswer('', cost).fault ?? '', /^nothing is not a limit: type a number, such as 5\.25/);
    assert.match(limitAnswer('five', cost).fault ?? '', /^"five" is not a limit/);
    assert.match(limitAnswer('-1', cost).fault ?? '', /not a limit/);
    assert.match(limitAnswer('2.5', steps).fault ?? '', /^"2\.5" is not a limit: type a whole number, such as 6/);
    assert.equal(limitAnswer('2', cost).fault, '$2.00 is not more than the $2.75 used: the session would ask again at once. Type more, or 0 for no limit');
    assert.equal(limitAnswer('3', steps).fault, '3 steps is not more than the 3 steps used: the session would ask again at once. Type more, or 0 for no limit');
    for (const t of ['', 'five', '2.5', '3']) assert.equal(limitAnswer(t, steps).budgets, undefined);
  });

  it('says which budget and how much of it is used', () => {
    assert.deepEqual(limitQuestion(cost), { title: 'New limit in dollars', prompt: 'Used $2.75 of $2.50. A new limit above what is used lets the session go on (0: no limit).', placeholder: '5.25' });
    assert.equal(limitQuestion({ kind: 'tool_failures', limit: 5, used: 5, tool: 'run_command' }).prompt, 'run_command failed 5 of 5 times. A new limit above what is used lets the session go on (0: no limit).');
  });
});
