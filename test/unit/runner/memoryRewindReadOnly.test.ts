import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CheckpointError } from '../../../src/core/checkpoints/checkpointEvents';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { memoryTools } from '../../../src/core/memory/memoryTools';
import { type OpenedMemory, openMemory } from '../../../src/core/memory/openMemory';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { builtinTools } from '../../../src/core/tools/registry';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

describe('a conversation rewind while another window holds the user memory', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  let mem: OpenedMemory | undefined;
  afterEach(async () => {
    await mem?.close();
    mem = undefined;
    await h?.close();
    h = undefined;
  });

  it('is refused before it forks or reverts anything, instead of leaving the user-scope writes after the target in force', async () => {
    h = await harness(
      [
        toolUse('m1', 'remember', { kind: 'fact', text: 'A workspace fact.' }),
        toolUse('m2', 'remember', { kind: 'fact', text: 'User likes tabs.', scope: 'user' }, { toolResultFor: 'm1' }),
        toolUse('m3', 'remember', { kind: 'fact', text: 'Another workspace fact.' }, { toolResultFor: 'm2' }),
        finalText('ok', { toolResultFor: 'm3' }),
      ],
      {},
    );
    const userDir = join(h.root, 'user-memory');
    mem = await openMemory(h.store, userDir);
    const runner = h.runner(new ScriptedGate(), { memory: mem.memory, tools: [...builtinTools(), ...memoryTools()] });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    await mem.close();
    const ws = new NodeWorkspace(h.workspace);
    // Another window holds the user store: this one has it read-only.
    const other = await openCheckpointStore({ dir: userDir, onLocked: 'fail', syncWrites: false });
    try {
      mem = await openMemory(h.store, userDir);
      const plan = await planRewind(h.store, ws, id, 1, { mode: 'conversation' });
      const sessionsBefore = (await h.store.listSessions()).sessions.length;
      await assert.rejects(applyRewind(h.store, ws, plan, { memory: mem.memory }), (e: unknown) => CheckpointError.is(e, 'INVALID') && /user memory/.test((e as Error).message));
      assert.equal((await h.store.listSessions()).sessions.length, sessionsBefore, 'no fork was made');
      assert.deepEqual(await listRewinds(h.store, id), [], 'no rewind was recorded');
      const texts = mem.memory.list({ kind: 'fact' }).map((e) => e.text).sort();
      assert.deepEqual(texts, ['A workspace fact.', 'Another workspace fact.', 'User likes tabs.'], 'no memory write was taken back in one scope only');
      await mem.close();
    } finally {
      await other.close();
    }
    // Once the other window is gone, the rewind takes back the writes of both scopes.
    mem = await openMemory(h.store, userDir);
    const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'conversation' }), { memory: mem.memory });
    assert.ok(r.forkId);
    assert.deepEqual(mem.memory.list({ kind: 'fact' }).map((e) => e.text), ['A workspace fact.']);
  });
});
