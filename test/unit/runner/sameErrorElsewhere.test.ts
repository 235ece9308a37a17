import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from './runnerHarness';

/**
 * A real checker, as a compiler checks callers against a definition: each line `use(N)` of a .ts
 * file at the top of the workspace is an error when a.ts does not hold `accepts N`.
 */
const CHECKER = `
const fs = require('fs');
const def = fs.readFileSync('a.ts', 'utf8');
let bad = 0;
for (const f of fs.readdirSync('.').filter((f) => f.endsWith('.ts')).sort()) {
  fs.readFileSync(f, 'utf8').split('\\n').forEach((l, i) => {
    const m = /use\\((\\d+)\\)/.exec(l);
    if (m && !def.includes('accepts ' + m[1])) { bad++; console.log(f + ':' + (i + 1) + ':1: error: argument not accepted'); }
  });
}
process.exit(bad ? 1 : 0);
`;

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('the same error fixed in one place and made in another', function () {
  this.timeout(30_000);
  const make = harnessPerTest();
  /** Runs the steps with the checker after each step that changes files, on a.ts and b.ts (b.ts line 2 an error); the first call's findings. */
  const firstStepFindings = async (steps: Parameters<typeof make>[0]) => {
    const h = await make(steps, { 'a.ts': 'accepts 1\n', 'b.ts': 'use(1)\nuse(2)\n', 'check.cjs': CHECKER });
    const processes = new NodeProcessRunner();
    const runner = h.runner(new ScriptedGate(), { diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: new CommandDiagnostics({ command: 'node check.cjs', root: h.workspace, runner: processes }) } });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    return results(await h.events(id))[0]?.diagnostics;
  };

  it('in a file the step did not change (its lines did not move): one fixed and one introduced, not "no change"', async () => {
    const steps = [
      toolUse('e1', 'edit_file', { path: 'a.ts', old_text: 'accepts 1', new_text: 'accepts 2' }),
      finalText('done', { toolResultFor: 'e1', lastUserContains: 'introduced 1 error, fixed 1' }),
    ];
    // b.ts line 2 fails before the step; the step fixes it and breaks b.ts line 1, with the same message.
    const e1 = await firstStepFindings(steps);
    assert.deepEqual({ introduced: e1?.introduced.map((f) => `${f.path}:${f.line}`), resolved: e1?.resolvedCount, errors: e1?.errors }, { introduced: ['b.ts:1'], resolved: 1, errors: 1 });
  });

  it('in a file the step changed, the same error a line lower is the same one (its line moved)', async () => {
    const steps = [toolUse('e1', 'edit_file', { path: 'b.ts', old_text: 'use(2)', new_text: '// a comment\nuse(2)' }), finalText('done', { toolResultFor: 'e1' })];
    const e1 = await firstStepFindings(steps);
    assert.deepEqual({ introduced: e1?.introducedCount, resolved: e1?.resolvedCount, errors: e1?.errors }, { introduced: 0, resolved: 0, errors: 1 });
  });
});
