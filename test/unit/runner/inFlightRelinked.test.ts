import assert from 'node:assert/strict';
import { lstat, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, toolUse } from './runnerHarness';

const ORIGINAL = 'function one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n\nfunction three() {\n  return 3;\n}\n';
const OURS = ORIGINAL.replace('return 1;', 'return 100;');
const OTHER = ORIGINAL.replace('return 3;', 'return 3; // the other file');

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('an edit in flight at a crash whose file was replaced by a symlink to another file before the resume', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  for (const [what, other] of [['merges cleanly with the edit', OTHER], ['holds what the file held before the edit', ORIGINAL]] as const) {
    it(`the other file ${what}: the user is asked, never written into it unasked, and a rejection leaves it and the link as they are`, async () => {
      const h = await harness([toolUse('w1', 'write_file', { path: 'src/f.ts', content: OURS }), finalText('done', { toolResultFor: 'w1' })], { 'src/f.ts': ORIGINAL, 'src/g.ts': other });
      const id = await h.start(h.runner());
      await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:write_file') }).run(id), Crash);
      // While Savepoint is down, the user makes src/f.ts a link to src/g.ts.
      await rm(join(h.workspace, 'src/f.ts'));
      await symlink('g.ts', join(h.workspace, 'src/f.ts'));
      const gate = new ScriptedGate((r) => (r.kind === 'conflict' ? { decision: 'reject', text: 'not there' } : { decision: 'approve' }));
      assert.equal((await h.runner(gate).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict']);
      assert.match(gate.asked[0]?.reasons.join(' ') ?? '', /src\/f\.ts leads to src\/g\.ts now, through a symlink/);
      assert.equal(await readFile(join(h.workspace, 'src/g.ts'), 'utf8'), other, 'the other file is untouched');
      assert.equal((await lstat(join(h.workspace, 'src/f.ts'))).isSymbolicLink(), true);
      assert.equal(results(await h.events(id)).find((r) => r.callId === 'w1')?.isError, true);
    });
  }
});
