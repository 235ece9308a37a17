import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

/**
 * A real checker in a child process: a line holding `BROKEN(<why>)` in a .ts file is an error (gcc
 * format). Its `fail`-th run (counted in .runs) prints nothing and exits 3, as a checker that
 * crashed or could not start does.
 */
const checker = (fail: number) => `
const fs = require('fs');
const runs = (fs.existsSync('.runs') ? Number(fs.readFileSync('.runs', 'utf8')) : 0) + 1;
fs.writeFileSync('.runs', String(runs));
if (runs === ${fail}) process.exit(3);
let bad = 0;
for (const f of fs.readdirSync('.').filter((f) => f.endsWith('.ts')).sort()) {
  fs.readFileSync(f, 'utf8').split('\\n').forEach((l, i) => {
    const m = /BROKEN\\((\\w+)\\)/.exec(l);
    if (m) { bad++; console.log(f + ':' + (i + 1) + ':' + (m.index + 1) + ': error: broken ' + m[1]); }
  });
}
process.exit(bad ? 2 : 0);
`;

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('compiler output when the checker fails after a step', function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => h?.close());

  function deps() {
    const processes = new NodeProcessRunner();
    return {
      diagnoseSteps: true,
      toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: new CommandDiagnostics({ command: 'node check.cjs', root: h.workspace, runner: processes }) },
    };
  }

  for (const [label, fail, lead] of [
    ['on the session\'s first step', 2, []],
    ['on a later step', 3, [toolUse('e0', 'write_file', { path: 'z.ts', content: 'fine\n' })]],
  ] as const) {
    it(`${label}: the errors that step made are not blamed on the next step, which changed nothing the checker minds`, async () => {
      const first = lead.length ? { toolResultFor: 'e0' } : {};
      h = await harness(
        [
          ...lead,
          toolUse('e1', 'edit_file', { path: 'a.ts', old_text: 'ok', new_text: 'BROKEN(one)' }, first),
          toolUse('e2', 'write_file', { path: 'c.ts', content: 'fine\n' }, { toolResultFor: 'e1', lastUserContains: 'diagnostics unavailable' }),
          finalText('done', { toolResultFor: 'e2' }),
        ],
        { 'a.ts': 'ok\n', 'check.cjs': checker(fail) },
      );
      const runner = h.runner(new ScriptedGate(), deps());
      const id = await h.start(runner);
      assert.equal((await runner.run(id)).status, 'completed');
      const r = results(await h.events(id));
      const [e1, e2] = r.slice(lead.length);
      assert.ok(e1?.diagnostics?.unavailable, JSON.stringify(e1?.diagnostics));
      assert.equal(e2?.diagnostics?.introducedCount, 0, `step e2 wrote a file with no error, yet: ${e2?.content}`);
      assert.deepEqual(e2?.diagnostics?.delta, { errors: 0, warnings: 0 });
      assert.equal(e2?.diagnostics?.errors, 1, 'the error e1 made is still there');
      assert.doesNotMatch(e2?.content ?? '', /introduced/);
    });
  }
});
