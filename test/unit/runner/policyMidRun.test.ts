import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApprovalPolicy } from '../../../src/core/runner/approvalPolicy';
import type { RunnerDeps } from '../../../src/core/runner/runner';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedGate, finalText, harness, type Harness } from './runnerHarness';

const AUTO: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: [] };
const ASK: ApprovalPolicy = { categories: { read: 'auto', compute: 'ask', mutate: 'ask' }, alwaysAsk: [] };

/** Two turns of one run: a command, then (after the user made commands ask again) another. */
const STEPS = (): StepInput[] => [
  { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'echo one > one.txt' } }] },
  { type: 'message', content: [{ type: 'tool_use', id: 'c2', name: 'run_command', input: { command: 'echo two > two.txt' } }], expect: { toolResultFor: 'c1' } },
  finalText('done', { toolResultFor: 'c2' }),
];

describe('the approval policy read at every call (a setting made stricter while a session runs)', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('commands set to "ask" after the first command: the next command of the same run is asked about, not run unasked', async () => {
    h = await harness(STEPS());
    let now = AUTO;
    const gate = new ScriptedGate(() => 'park');
    // The user's settings as they are at each call: changed once the first command ran.
    const policy: RunnerDeps['policy'] = () => now;
    const runner = h.runner(gate, { policy, onEvent: (e) => e.type === 'committed' && e.events.some((x) => x.type === 'tool_result') && (now = ASK) });
    const id = await runner.start({ task: 'two commands', models: ['claude-sonnet-4-6'], policy: AUTO });
    const outcome = await runner.run(id);
    assert.equal(await readFile(join(h.workspace, 'one.txt'), 'utf8'), 'one\n');
    assert.deepEqual(gate.asked.map((a) => (a.input as { command: string }).command), ['echo two > two.txt']);
    assert.equal(outcome.status, 'waiting');
    await assert.rejects(readFile(join(h.workspace, 'two.txt')), 'the second command did not run');
  });
});
