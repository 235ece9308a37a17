import assert from 'node:assert/strict';
import { forkSession } from '../../../src/core/checkpoints/fork';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { errorStep } from '../../../src/core/scripted/scenario';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

const CONTEXT = { window: 1000, threshold: 0.7, keepTurns: 2 };
const usage = (input: number) => ({ usage: { input_tokens: input, output_tokens: 5 } });
const read = (id: string, input: number): StepInput => ({ ...toolUse(id, 'read_file', { path: 'notes.txt' }), ...usage(input) });

describe('compaction names in a fork', function () {
  this.timeout(60000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('undoing the fork\'s own compaction puts its messages back', async () => {
    h = await harness(
      [
        read('r1', 200),
        read('r2', 400),
        errorStep(400, { errorType: 'invalid_request_error', message: 'bad request' }),
        read('r3', 600),
        read('r4', 750),
        finalText('SUMMARY ONE', { systemContains: 'You summarize' }),
        read('r5', 300),
        read('r6', 320),
        finalText('done'),
      ],
      { 'notes.txt': 'hello\n' },
    );
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'failed');
    // The user looks back at step 1 a few times (conversation rewinds): each leaves a record in the journal.
    const ws = new NodeWorkspace(h.workspace);
    for (let i = 0; i < 8; i++) await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'conversation' }));
    assert.equal((await runner.run(id)).status, 'completed');

    // A fork from the end of step 4 (right after the compaction), which goes on and compacts again.
    const fork = await forkSession(h.store, id, 4);
    h.server.load([read('f5', 750), finalText('SUMMARY TWO', { systemContains: 'You summarize' }), { ...finalText('fork done'), ...usage(100) }]);
    const forkRunner = h.runner(new ScriptedGate(), { context: CONTEXT });
    assert.equal((await forkRunner.run(fork.id)).status, 'completed');
    const before = (await SessionJournal.open(h.store, fork.id)).state;
    assert.equal(before.compactions.length, 2);

    const undone = await forkRunner.undoCompaction(fork.id);
    const after = (await SessionJournal.open(h.store, fork.id)).state;
    assert.equal(after.compactions.length, 1, `${undone.compactionId} undone (${undone.restored} messages restored), yet the state still has ${JSON.stringify(after.compactions.map((c) => c.id))}`);
    assert.equal(after.messages.length, before.messages.length - 1 + undone.restored);
  });
});
