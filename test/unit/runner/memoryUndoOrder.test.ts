import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../src/core/checkpoints/checkpointEvents';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind, planUndo, undoable } from '../../../src/core/checkpoints/rewindPlan';
import { writesTakenBack } from '../../../src/cli/rewindText';
import { memoryTools } from '../../../src/core/memory/memoryTools';
import { type OpenedMemory, openMemory } from '../../../src/core/memory/openMemory';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { builtinTools } from '../../../src/core/tools/registry';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

describe('undoing an older conversation rewind while a later one that went further back is in force', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  let mem: OpenedMemory | undefined;
  afterEach(async () => {
    await mem?.close();
    mem = undefined;
    await h?.close();
    h = undefined;
  });

  it('leaves a memory the later rewind took back alone until that one is undone, as it does a file', async () => {
    // Step 1 remembers nothing, step 2 creates a memory, step 3 edits it.
    h = await harness([toolUse('r1', 'recall', { query: 'style' }), toolUse('m2', 'remember', { kind: 'fact', text: 'Indent with tabs.' }, { toolResultFor: 'r1' })], {});
    mem = await openMemory(h.store, undefined);
    const m = mem.memory;
    const server = h.server;
    // Step 3 edits the memory step 2 created: scripted once its id is known.
    const runner = h.runner(new ScriptedGate(), {
      memory: m,
      tools: [...builtinTools(), ...memoryTools()],
      probe: (p) => {
        const e = m.list({ kind: 'fact' })[0];
        if (p !== 'applied:remember' || !e || e.version > 1) return;
        server.push({ type: 'message', content: [{ type: 'tool_use', id: 'm3', name: 'remember', input: { id: e.id, text: 'Indent with two spaces.' } }], expect: { toolResultFor: 'm2' } });
        server.push(finalText('ok', { toolResultFor: 'm3' }));
      },
    });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const fact = () => m.list({ kind: 'fact' }).map((e) => e.text);
    assert.deepEqual(fact(), ['Indent with two spaces.']);
    const ws = new NodeWorkspace(h.workspace);
    // Back to step 2 (the edit goes), then further back to step 1 (the memory goes).
    const r1 = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 2, { mode: 'conversation' }), { memory: m });
    assert.deepEqual(fact(), ['Indent with tabs.']);
    await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'conversation' }), { memory: m });
    assert.deepEqual(fact(), []);
    // Undoing the first while the second is in force would bring the memory back with the conversation still before step 2.
    const early = await planUndo(h.store, ws, id, r1.rewindId);
    assert.equal(await writesTakenBack(m, early), 0, 'the CLI preview promises nothing it will not bring back');
    await assert.rejects(undoRewind(h.store, ws, early, { memory: m }), (e: unknown) => CheckpointError.is(e, 'INVALID') && /undo that one first/.test((e as Error).message));
    assert.deepEqual(fact(), [], 'nothing was brought back');
    assert.ok(undoable((await listRewinds(h.store, id)).find((r) => r.rewindId === r1.rewindId) as never), 'still on offer');
    // In order: the later one first, then the first.
    const [later] = await listRewinds(h.store, id);
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, later?.rewindId as string), { memory: m });
    assert.deepEqual(fact(), ['Indent with tabs.']);
    const now = await planUndo(h.store, ws, id, r1.rewindId);
    assert.equal(await writesTakenBack(m, now), 2, 'the edit and the episode');
    await undoRewind(h.store, ws, now, { memory: m });
    assert.deepEqual(fact(), ['Indent with two spaces.']);
  });
  it('a both-mode undo gives its files back now and leaves such a memory for a later undo, once the later rewind is undone', async () => {
    h = await harness([toolUse('w1', 'write_file', { path: 'a.txt', content: 'a\n' }), toolUse('m2', 'remember', { kind: 'fact', text: 'Indent with tabs.' }, { toolResultFor: 'w1' })], {});
    mem = await openMemory(h.store, undefined);
    const m = mem.memory;
    const server = h.server;
    const runner = h.runner(new ScriptedGate(), {
      memory: m,
      tools: [...builtinTools(), ...memoryTools()],
      probe: (p) => {
        const e = m.list({ kind: 'fact' })[0];
        if (p !== 'applied:remember' || !e || e.version > 1) return;
        server.push({ type: 'message', content: [{ type: 'tool_use', id: 'm3', name: 'remember', input: { id: e.id, text: 'Indent with two spaces.' } }], expect: { toolResultFor: 'm2' } });
        server.push(toolUse('w4', 'write_file', { path: 'b.txt', content: 'b\n' }, { toolResultFor: 'm3' }));
        server.push(finalText('ok', { toolResultFor: 'w4' }));
      },
    });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const fact = () => m.list({ kind: 'fact' }).map((e) => e.text);
    const ws = new NodeWorkspace(h.workspace);
    const r1 = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 2, { mode: 'both' }), { memory: m });
    assert.deepEqual([fact(), existsSync(join((h as Harness).workspace, 'b.txt'))], [['Indent with tabs.'], false]);
    const r2 = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'both' }), { memory: m });
    assert.deepEqual(fact(), []);
    const u1 = await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r1.rewindId), { memory: m });
    assert.deepEqual(u1.written, ['b.txt'], 'its file comes back');
    assert.deepEqual(fact(), [], 'the memory the later rewind took back stays taken back');
    // A revert goes back whole: the episode it took back with the edit waits with it.
    assert.equal(m.list({ kind: 'episode' }).length, 0);
    assert.ok(undoable((await listRewinds(h.store, id)).find((r) => r.rewindId === r1.rewindId) as never), 'still on offer for its memory');
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r2.rewindId), { memory: m });
    assert.deepEqual(fact(), ['Indent with tabs.']);
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r1.rewindId), { memory: m });
    assert.deepEqual(fact(), ['Indent with two spaces.']);
    assert.equal(m.list({ kind: 'episode' }).length, 1);
    assert.deepEqual((await listRewinds(h.store, id)).filter(undoable), []);
  });
});
