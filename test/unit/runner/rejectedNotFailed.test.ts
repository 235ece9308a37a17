import assert from 'node:assert/strict';
import type { ApprovalAnswer } from '../../../src/core/ports/approvalGate';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

/** Two commands, then the answer. */
const STEPS = (first: string, second: string) => [
  toolUse('c1', 'run_command', { command: first }),
  toolUse('c2', 'run_command', { command: second }, { toolResultFor: 'c1' }),
  finalText('done', { toolResultFor: 'c2' }),
];

describe('the tool-failure budget counts failures of the tool, not the user saying no', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  async function run(first: string, second: string, answer: ApprovalAnswer) {
    h = await harness(STEPS(first, second));
    const gate = new ScriptedGate((r) => (r.kind === 'tool' ? answer : 'park'));
    const runner = h.runner(gate);
    const id = await runner.start({ task: 'two commands', models: ['claude-sonnet-4-6'], budgets: { maxToolFailures: 2 } });
    return { out: await runner.run(id), others: gate.asked.filter((a) => a.kind !== 'tool').map((a) => `${a.kind}: ${a.reasons.join('; ')}`) };
  }

  it('two calls the user rejected, under maxToolFailures 2: no "run_command failed 2 of 2" question, the session completes', async () => {
    const { out, others } = await run('echo one', 'echo two', { decision: 'reject', text: 'not now' });
    assert.deepEqual(others, [], "a budget question blames the tool for the user's rejections");
    assert.equal(out.status, 'completed');
  });

  it('two calls that really failed, under maxToolFailures 2: the budget question is asked', async () => {
    const { out, others } = await run('exit 3', 'exit 4', { decision: 'approve' });
    assert.deepEqual(others, ['budget: tool run_command failed 2 of 2']);
    assert.equal(out.status, 'waiting');
  });
});
