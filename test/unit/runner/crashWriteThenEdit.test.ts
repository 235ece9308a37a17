import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, toolUse } from './runnerHarness';

const ORIGINAL = 'function one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n';
const OURS = ORIGINAL.replace('return 1;', 'return 100;');

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

/**
 * A crash after an edit reached the disk and before its result was journaled; then the user edits the
 * file next to the session's lines. At resume the edit is found done (the disk is the edit plus the
 * user's change), never asked about as a conflict whose rejection would tell the model it was not applied.
 */
describe('an edit written before a crash, then changed next to it by the user', function () {
  this.timeout(60_000);
  const makeHarness = harnessPerTest();

  async function crashedAfterWrite(outside: (ours: string) => string) {
    const h = await makeHarness([toolUse('w1', 'write_file', { path: 'src/f.ts', content: OURS }), finalText('done', { toolResultFor: 'w1' })], { 'src/f.ts': ORIGINAL });
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('applied:write_file') }).run(id), Crash);
    const file = join(h.workspace, 'src/f.ts');
    assert.equal(await readFile(file, 'utf8'), OURS, 'the edit reached the disk');
    await writeFile(file, outside(OURS));
    return { h, id, file };
  }

  it('is found done: nothing asked, the file left as the user made it, the model told of their change', async () => {
    // The line right after the session's: a three-way merge from before the edit conflicts on it.
    const edited = OURS.replace('return 100;\n}', 'return 100;\n} // checked by hand');
    const { h, id, file } = await crashedAfterWrite(() => edited);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), [], 'nothing to ask: the edit is on disk');
    assert.equal(await readFile(file, 'utf8'), edited);
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
    assert.equal(w1?.recovered, 'already_applied');
    assert.match(w1?.content ?? '', /changed outside the session after the edit was written, before the crash's recovery: src\/f\.ts/);
    assert.match(w1?.content ?? '', /^-\}\n\+\} \/\/ checked by hand$/m);
    assert.doesNotMatch(w1?.content ?? '', /^[-+] {2}return/m, "the model's own edit is not shown as an outside change");
    // The step ends with the session's edit; the user's change on top of it is theirs, which a rewind asks before taking back.
    const ws = new NodeWorkspace(h.workspace);
    assert.deepEqual((await planRewind(h.store, ws, id, 1)).files.map((f) => [f.action, f.conflict]), [['restore', true]]);
    await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 0), { overwriteConflicts: ['src/f.ts'] });
    assert.equal(await readFile(file, 'utf8'), ORIGINAL);
  });

  it('a file the edit created, changed by the user after the crash: found done too', async () => {
    const h = await makeHarness([toolUse('w1', 'write_file', { path: 'src/new.ts', content: OURS }), finalText('done', { toolResultFor: 'w1' })]);
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('applied:write_file') }).run(id), Crash);
    const file = join(h.workspace, 'src/new.ts');
    await writeFile(file, `${OURS}// a line of the user's\n`);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), []);
    assert.equal(await readFile(file, 'utf8'), `${OURS}// a line of the user's\n`);
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
    assert.equal(w1?.recovered, 'already_applied');
    assert.match(w1?.content ?? '', /^\+\/\/ a line of the user's$/m);
  });

  it('a user change that undid the edit itself is still asked about, as before', async () => {
    // Closer to the original than to the edit: the edit may never have been made.
    const { h, id } = await crashedAfterWrite(() => ORIGINAL.replace('return 1;\n}', 'return 1;\n} // checked by hand'));
    const gate = new ScriptedGate();
    await h.runner(gate).run(id);
    assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict']);
  });
});
