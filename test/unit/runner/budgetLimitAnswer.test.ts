import assert from 'node:assert/strict';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { limitAnswer } from '../../../src/shared/budgetLimit';
import { ScriptedGate, harnessPerTest } from './runnerHarness';

const read = (id: string): StepInput => ({ type: 'message', content: [{ type: 'tool_use', id, name: 'read_file', input: { path: `${id}.txt` } }] });
const FILES = { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' };

describe('a budget question names the budget used up, and a limit typed for it is taken (real runner, real LevelDB)', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('the question carries the step budget; "4" typed as its new limit lets the session run to its end', async () => {
    const h = await harness([read('a'), read('b'), read('c'), { type: 'message', content: [{ type: 'text', text: 'done' }] }], FILES);
    const gate = new ScriptedGate((r) => {
      if (r.kind !== 'budget') return { decision: 'approve' };
      if (!r.budget) throw new Error('the budget question does not say which budget');
      const typed = limitAnswer('4', r.budget);
      return typed.budgets ? { decision: 'edit', input: typed.budgets } : 'park';
    });
    const runner = h.runner(gate);
    const id = await runner.start({ task: 'read the files', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    const out = await runner.run(id);
    assert.deepEqual(gate.asked.filter((a) => a.kind === 'budget').map((a) => a.budget), [{ kind: 'steps', limit: 1, used: 1 }]);
    assert.equal(out.status, 'completed');
    assert.equal((await h.store.getSession(id))?.stepCount, 4);
  });
});
