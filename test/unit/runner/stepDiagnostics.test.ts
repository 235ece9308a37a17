import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { compareFindings, describeStepDiagnostics, readFindings } from '../../../src/core/runner/stepDiagnostics';
import { describeEvent } from '../../../src/core/runner/timeline';
import type { BlobHash } from '../../../src/core/store/types';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

/**
 * A real checker in a child process: every line holding `BROKEN(<why>)` in a .ts file is an
 * error, `SHAKY` a warning, printed in the gcc format the command parser reads.
 */
const CHECKER = `
const fs = require('fs'), path = require('path');
let bad = 0;
function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith('.ts')) fs.readFileSync(p, 'utf8').split('\\n').forEach((l, i) => {
      const m = /BROKEN\\((\\w+)\\)/.exec(l);
      if (m) { bad++; console.log(path.relative('.', p) + ':' + (i + 1) + ':' + (m.index + 1) + ': error: broken ' + m[1]); }
      if (l.includes('SHAKY')) console.log(path.relative('.', p) + ':' + (i + 1) + ':1: warning: shaky');
    });
  }
}
walk('.');
process.exit(bad ? 2 : 0);
`;

function diagnosticsDeps(h: Harness, command = 'node check.cjs') {
  const processes = new NodeProcessRunner();
  return {
    diagnoseSteps: true,
    toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: new CommandDiagnostics({ command, root: h.workspace, runner: processes }) },
  };
}

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('compiler output per step: findings after each step that changes files, and the delta', function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('records introduced and fixed findings per step, tells the model, and the timeline says "introduced 2 errors"', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'export const a = 1;', new_text: 'export const a = BROKEN(one);\nexport const b = BROKEN(two); // SHAKY' }),
        toolUse('e2', 'edit_file', { path: 'src/a.ts', old_text: 'export const a = BROKEN(one);', new_text: 'export const a = 1;' }, { toolResultFor: 'e1', lastUserContains: 'introduced 2 errors and 1 warning' }),
        toolUse('r1', 'read_file', { path: 'src/a.ts' }, { toolResultFor: 'e2', lastUserContains: 'fixed 1' }),
        toolUse('c1', 'run_command', { command: "printf 'export const c = BROKEN(three);\\n' > src/c.ts" }, { toolResultFor: 'r1' }),
        finalText('done', { toolResultFor: 'c1', lastUserContains: 'src/c.ts:1:18 error broken three' }),
      ],
      { 'src/a.ts': 'export const a = 1;\n', 'src/old.ts': 'export const old = BROKEN(before);\n', 'check.cjs': CHECKER },
    );
    const capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    const runner = h.runner(new ScriptedGate(), { ...diagnosticsDeps(h), capture });
    const id = await h.start(runner);
    const end = await runner.run(id).finally(() => capture.dispose());
    assert.deepEqual(h.server.violations(), []);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    const [e1, e2, r1, c1] = results(await h.events(id));
    // The error that was there before the session is the base, not something the step introduced.
    assert.deepEqual(e1?.diagnostics && { errors: e1.diagnostics.errors, warnings: e1.diagnostics.warnings, delta: e1.diagnostics.delta, introduced: e1.diagnostics.introducedCount, resolved: e1.diagnostics.resolvedCount }, {
      errors: 3,
      warnings: 1,
      delta: { errors: 2, warnings: 1 },
      introduced: 3,
      resolved: 0,
    });
    assert.deepEqual(e2?.diagnostics?.delta, { errors: -1, warnings: 0 });
    assert.equal(e2?.diagnostics?.resolvedCount, 1);
    assert.equal(e2?.diagnostics?.introducedCount, 0);
    assert.equal(r1?.diagnostics, undefined, 'a read changes nothing and is not checked');
    assert.equal(c1?.diagnostics?.introducedCount, 1, 'a command that writes files is checked too');
    assert.equal(c1?.diagnostics?.introduced[0]?.path, 'src/c.ts');
    // The full list is a blob, for the next delta and for the UI.
    const full = readFindings(await h.store.getBlob(c1?.diagnostics?.blob as BlobHash));
    assert.deepEqual(full.filter((f) => f.severity === 'error').map((f) => f.path).sort(), ['src/a.ts', 'src/c.ts', 'src/old.ts']);
    const line = describeEvent({ type: 'tool_result', data: e1 as ToolResultData });
    assert.match(line, /introduced 2 errors and 1 warning \(now 3 errors, 1 warning\)/);
  });

  it('a checker that fails says "unavailable", never "no errors", and the next step still has a base', async () => {
    h = await harness(
      [
        toolUse('e1', 'write_file', { path: 'x.ts', content: 'BROKEN(x)\n' }),
        finalText('done', { toolResultFor: 'e1' }),
      ],
      {},
    );
    const runner = h.runner(new ScriptedGate(), diagnosticsDeps(h, 'node does-not-exist.cjs'));
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const [e1] = results(await h.events(id));
    assert.ok(e1?.diagnostics === undefined || e1.diagnostics.unavailable, JSON.stringify(e1?.diagnostics));
    assert.doesNotMatch(e1?.content ?? '', /introduced/);
  });

  it('after a crash the next step compares with the findings journaled before it, not with a fresh base', async () => {
    const steps = [
      toolUse('e1', 'edit_file', { path: 'a.ts', old_text: 'ok', new_text: 'BROKEN(one)' }),
      toolUse('e2', 'write_file', { path: 'b.ts', content: 'BROKEN(two)\n' }, { toolResultFor: 'e1' }),
      finalText('done', { toolResultFor: 'e2', lastUserContains: 'introduced 1 error (now 2 errors' }),
    ];
    h = await harness(steps, { 'a.ts': 'ok\n', 'check.cjs': CHECKER });
    const first = h.runner(new ScriptedGate(), { ...diagnosticsDeps(h), probe: crashAt('inside:write_file') });
    const id = await h.start(first);
    await assert.rejects(first.run(id), Crash);
    const again = h.runner(new ScriptedGate(), diagnosticsDeps(h));
    assert.equal((await again.run(id)).status, 'completed');
    const r = results(await h.events(id));
    assert.equal(r[0]?.diagnostics?.introducedCount, 1);
    assert.equal(r[1]?.recovered, 'applied', 'the write was in flight at the crash and is settled by hash');
    assert.deepEqual(r[1]?.diagnostics?.delta, { errors: 1, warnings: 0 });
    assert.deepEqual(h.server.violations(), []);
  });

  it('errors the user made while the session waited are not blamed on its next step', async () => {
    const steps = [
      toolUse('e1', 'write_file', { path: 'a.ts', content: 'fine\n' }),
      toolUse('e2', 'write_file', { path: 'c.ts', content: 'also fine\n' }, { toolResultFor: 'e1' }),
      finalText('done', { toolResultFor: 'e2' }),
    ];
    h = await harness(steps, { 'check.cjs': CHECKER });
    const id = await h.start(h.runner(new ScriptedGate(), diagnosticsDeps(h)));
    // The first write is approved; the second waits, and meanwhile the user breaks a file the session never touched.
    let asked = 0;
    const parking = h.runner(new ScriptedGate(() => (asked++ === 0 ? { decision: 'approve' } : 'park')), diagnosticsDeps(h));
    assert.equal((await parking.run(id)).status, 'waiting');
    await writeFile(join(h.workspace, 'b.ts'), 'BROKEN(mine)\n');
    assert.equal((await h.runner(new ScriptedGate(), diagnosticsDeps(h)).run(id)).status, 'completed');
    const r = results(await h.events(id));
    assert.deepEqual(r[1]?.diagnostics?.delta, { errors: 0, warnings: 0 }, JSON.stringify(r[1]?.diagnostics));
    assert.equal(r[1]?.diagnostics?.errors, 1, 'the error is there, and counted');
    assert.equal(r[1]?.diagnostics?.introducedCount, 0);
  });

  it('nor when the first call of the resumed run changed nothing: the base collected for it still counts', async () => {
    const steps = [
      toolUse('e1', 'write_file', { path: 'a.ts', content: 'fine\n' }),
      toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'e1' }),
      toolUse('e2', 'write_file', { path: 'c.ts', content: 'also fine\n' }, { toolResultFor: 'c1' }),
      finalText('done', { toolResultFor: 'e2' }),
    ];
    h = await harness(steps, { 'check.cjs': CHECKER });
    const capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    try {
      const id = await h.start(h.runner(new ScriptedGate(), { ...diagnosticsDeps(h), capture }));
      let asked = 0;
      assert.equal((await h.runner(new ScriptedGate(() => (asked++ === 0 ? { decision: 'approve' } : 'park')), { ...diagnosticsDeps(h), capture }).run(id)).status, 'waiting');
      await writeFile(join(h.workspace, 'b.ts'), 'BROKEN(mine)\n');
      assert.equal((await h.runner(new ScriptedGate(), { ...diagnosticsDeps(h), capture }).run(id)).status, 'completed');
      const e2 = results(await h.events(id)).find((r) => r.callId === 'e2');
      assert.deepEqual(e2?.diagnostics?.delta, { errors: 0, warnings: 0 }, JSON.stringify(e2?.diagnostics));
      assert.doesNotMatch(e2?.content ?? '', /broken mine/);
    } finally {
      await capture.dispose();
    }
  });

  it('compares findings as multisets that ignore line moves', () => {
    const f = (line: number, message: string) => ({ path: 'a.ts', line, column: 1, severity: 'error' as const, message });
    assert.deepEqual(compareFindings([f(1, 'x'), f(2, 'x')], [f(5, 'x'), f(6, 'y')]), { introduced: [f(6, 'y')], resolved: 1 });
    assert.deepEqual(compareFindings([], [{ ...f(1, 'i'), severity: 'info' }]), { introduced: [], resolved: 0 }, 'info and hints are not counted');
    assert.equal(
      describeStepDiagnostics({ errors: 0, warnings: 0, delta: { errors: 0, warnings: 0 }, introduced: [], introducedCount: 0, resolvedCount: 0, blob: '' as BlobHash }),
      '',
    );
  });
});
