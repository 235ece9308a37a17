import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from './runnerHarness';
import { BAD_LINE_CHECKER, toolResults } from './badLineChecker';

describe('compiler output of a step that waited for the user in the same run', function () {
  this.timeout(30_000);
  const make = harnessPerTest();

  it('an error the user made while the approval was open is not the step\'s, nor told to the model as new', async () => {
    const steps = [
      toolUse('w1', 'write_file', { path: 'a.ts', content: 'fine\n' }),
      toolUse('w2', 'write_file', { path: 'c.ts', content: 'also fine\n' }, { toolResultFor: 'w1' }),
      finalText('done', { toolResultFor: 'w2' }),
    ];
    const h = await make(steps, { 'check.cjs': BAD_LINE_CHECKER });
    const processes = new NodeProcessRunner();
    const deps = { diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: new CommandDiagnostics({ command: 'node check.cjs', root: h.workspace, runner: processes }) } };
    // The first write is approved at once; while the second is asked about, the user breaks a file the session never touched, then approves.
    const gate = new ScriptedGate((r) => {
      if (r.tool === 'write_file' && (r.input as { path?: string }).path === 'c.ts') writeFileSync(join(h.workspace, 'b.ts'), 'BAD mine\n');
      return { decision: 'approve' };
    });
    const runner = h.runner(gate, deps);
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.equal(gate.asked.length, 2, 'both writes were asked about, in one run');
    const w2 = toolResults(await h.events(id)).find((r) => r.callId === 'w2');
    assert.deepEqual({ errors: w2?.diagnostics?.errors, delta: w2?.diagnostics?.delta, introduced: w2?.diagnostics?.introducedCount }, { errors: 1, delta: { errors: 0, warnings: 0 }, introduced: 0 }, JSON.stringify(w2?.diagnostics));
    assert.doesNotMatch(w2?.content ?? '', /BAD mine/);
  });
});
