import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, toolUse, type Harness } from './runnerHarness';
import { BAD_LINE_CHECKER, toolResults } from './badLineChecker';

describe('compiler output of a command step a crash cut off before its result', function () {
  this.timeout(60_000);
  const make = harnessPerTest();
  const captures: NodeChangeCapture[] = [];
  afterEach(async () => {
    for (const c of captures.splice(0)) await c.dispose();
  });

  /** With its index logged on disk, as the extension's and the CLI's: what a command a crash cut off had changed is found. */
  const capture = async (h: Harness) => {
    const c = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore(), logDir: join(h.root, 'capture-log'), gitContents: false });
    captures.push(c);
    await c.start();
    return c;
  };

  for (const rerun of [true, false]) {
    it(`${rerun ? 'run again' : 'not run again'} at the user's word: the error its cut-off run made is the step's, recorded and told to the model`, async () => {
      const steps = [
        toolUse('w1', 'write_file', { path: 'a.ts', content: 'fine\n' }),
        toolUse('c1', 'run_command', { command: "printf 'BAD one\\n' > b.ts" }, { toolResultFor: 'w1' }),
        finalText('done', { toolResultFor: 'c1', ...(rerun ? { lastUserContains: 'introduced 1 error' } : {}) }),
      ];
      const h = await make(steps, { 'check.cjs': BAD_LINE_CHECKER });
      const deps = () => {
        const processes = new NodeProcessRunner();
        return { diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: new CommandDiagnostics({ command: 'node check.cjs', root: h.workspace, runner: processes }) } };
      };
      const first = h.runner(new ScriptedGate(), { ...deps(), capture: await capture(h), probe: crashAt('applied:run_command') });
      const id = await h.start(first);
      // The command ran and wrote its file; the process died before the step's result (and findings) were journaled.
      await assert.rejects(first.run(id), Crash);
      await captures.splice(0)[0]?.dispose();
      const gate = new ScriptedGate(() => (rerun ? { decision: 'approve' } : { decision: 'reject' }));
      assert.equal((await h.runner(gate, { ...deps(), capture: await capture(h) }).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['command_rerun']);
      const c1 = toolResults(await h.events(id)).find((r) => r.callId === 'c1');
      assert.deepEqual(c1?.sideEffects?.map((e) => `${e.path} ${e.kind}`), ['b.ts created']);
      assert.deepEqual(
        c1?.diagnostics && { errors: c1.diagnostics.errors, delta: c1.diagnostics.delta, introduced: c1.diagnostics.introduced.map((f) => `${f.path}:${f.line} ${f.message}`) },
        { errors: 1, delta: { errors: 1, warnings: 0 }, introduced: ['b.ts:1 bad line BAD one'] },
      );
      assert.match(c1?.content ?? '', /introduced 1 error/);
      assert.deepEqual(h.server.violations(), []);
    });
  }
});
