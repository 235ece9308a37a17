import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApprovalPolicy } from '../../../src/core/runner/approvalPolicy';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedGate, finalText, harness, type Harness } from './runnerHarness';

/** Started with edits and commands unasked, but for the one command the user always wants to be asked about. */
const STARTED_WITH: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: ['^sleep 0$'] };
/** The settings the user changed to while the session waited: commands and edits ask again. */
const NOW: ApprovalPolicy = { categories: { read: 'auto', compute: 'ask', mutate: 'ask' }, alwaysAsk: ['^sleep 0$'] };

/** One turn: a command that waits for the user, then a command the policy the session started with runs unasked. */
const STEPS = (): StepInput[] => [
  {
    type: 'message',
    content: [
      { type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'sleep 0' } },
      { type: 'tool_use', id: 'c2', name: 'run_command', input: { command: 'echo deployed > deployed.txt' } },
    ],
  },
  finalText('done', { toolResultFor: 'c2' }),
];

describe('the approval policy in force is the one of the run, not the one the session started with', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('commands set back to "ask" while a session waited: its next command is asked about on resume, not run unasked', async () => {
    h = await harness(STEPS());
    const first = h.runner(new ScriptedGate(() => 'park'));
    const id = await first.start({ task: 'deploy', models: ['claude-sonnet-4-6'], policy: STARTED_WITH });
    assert.equal((await first.run(id)).status, 'waiting');
    const gate = new ScriptedGate((r) => (r.input && (r.input as { command?: string }).command === 'sleep 0' ? { decision: 'approve' } : 'park'));
    const outcome = await h.runner(gate, { policy: NOW }).run(id);
    assert.deepEqual(
      gate.asked.map((a) => (a.input as { command: string }).command),
      ['sleep 0', 'echo deployed > deployed.txt'],
      'the second command ran under the policy the session started with, though the settings ask for commands now',
    );
    assert.equal(outcome.status, 'waiting');
    await assert.rejects(readFile(join(h.workspace, 'deployed.txt')));
  });

  it('without a policy of the run (the CLI), the session keeps the one it started with', async () => {
    h = await harness(STEPS());
    const runner = h.runner(new ScriptedGate((r) => ((r.input as { command?: string }).command === 'sleep 0' ? { decision: 'approve' } : 'park')));
    const id = await runner.start({ task: 'deploy', models: ['claude-sonnet-4-6'], policy: STARTED_WITH });
    assert.equal((await runner.run(id)).status, 'completed');
    assert.equal(await readFile(join(h.workspace, 'deployed.txt'), 'utf8'), 'deployed\n');
  });
});
