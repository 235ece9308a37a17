import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { describeEvent } from '../../../src/core/runner/timeline';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from './runnerHarness';

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('a step whose check command fails: that it failed, and why, is said in the timeline and to the model', function () {
  if (process.platform === 'win32') return;
  this.timeout(30_000);
  const make = harnessPerTest();

  async function failedStep(command: string) {
    const h = await make([toolUse('w1', 'write_file', { path: 'a.ts', content: 'x\n' }), finalText('done', { toolResultFor: 'w1' })]);
    const processes = new NodeProcessRunner();
    const runner = h.runner(new ScriptedGate(), { diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: new CommandDiagnostics({ command, root: h.workspace, runner: processes }) } });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const w1 = results(await h.events(id))[0];
    return { record: w1?.diagnostics, line: w1 ? describeEvent({ type: 'tool_result', data: w1 }) : '', told: w1?.content ?? '' };
  }

  it('a check command that fails from the first step on: each step records its findings as unavailable, and says so', async () => {
    const { record, line, told } = await failedStep('tsc-not-installed-here --noEmit');
    assert.ok(record?.unavailable, JSON.stringify(record));
    assert.match(line, /— diagnostics unavailable \(/);
    assert.match(told, /\[diagnostics after this step: diagnostics unavailable/);
  });

  const reasons = [
    { label: 'not installed', command: 'tsc-not-installed-here --noEmit', why: /tsc-not-installed-here: not found\)/ },
    { label: 'a script that throws', command: 'node missing-check.cjs', why: /finding: Error: Cannot find module .*missing-check\.cjs.\)/ },
    { label: 'a command that fails silently', command: "node -e 'process.exit(2)'", why: /failed \(exit 2\) without reporting any finding, and printed nothing\)/ },
  ];
  for (const { label, command, why } of reasons) {
    it(`says why, on the same line: ${label}`, async () => {
      const { line, told } = await failedStep(command);
      assert.match(line, why);
      assert.match(told, why);
    });
  }
});
