import assert from 'node:assert/strict';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

/** A destructive call reaches the gate marked as the user's alone: an approval timeout set to 'approve' rejects it. */
describe('a call only the user may approve', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('is asked with userOnly (rm -rf), while a command asked by the category rule is not', async () => {
    h = await harness([
      toolUse('c1', 'run_command', { command: 'rm -rf build' }),
      toolUse('c2', 'run_command', { command: 'echo hi' }, { toolResultFor: 'c1' }),
      finalText('done', { toolResultFor: 'c2' }),
    ]);
    const gate = new ScriptedGate(() => ({ decision: 'reject', text: 'no' }));
    const id = await h.start(h.runner());
    await h.runner(gate).run(id);
    assert.deepEqual(
      gate.asked.map((r) => [r.kind, r.userOnly ?? false]),
      [
        ['tool', true],
        ['tool', false],
      ],
    );
  });
});
