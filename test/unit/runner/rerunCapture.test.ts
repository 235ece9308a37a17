import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

describe('a command run again after a crash', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  const captures: NodeChangeCapture[] = [];
  afterEach(async () => {
    for (const c of captures.splice(0)) await c.dispose();
    await h?.close();
    h = undefined;
  });

  const fresh = async (root: string) => {
    const c = new NodeChangeCapture(root, { contentStore: new MemoryContentStore() });
    captures.push(c);
    await c.start();
    return c;
  };

  it('the re-run the user approves is captured as a first run is: its file changes are journaled, told to the model, and a rewind takes them back', async () => {
    h = await harness([toolUse('c1', 'run_command', { command: "printf 'gen\\n' > gen.txt && printf 'v1\\n' > a.txt" }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'v0\n' });
    const id = await h.start(h.runner());
    // The process stops with the command's intent journaled, before it ran (a reload of the window, a kill).
    await assert.rejects(h.runner(new ScriptedGate(), { capture: await fresh(h.workspace), probe: crashAt('inside:run_command') }).run(id), Crash);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate, { capture: await fresh(h.workspace) }).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['command_rerun']);
    assert.equal(await readFile(join(h.workspace, 'gen.txt'), 'utf8'), 'gen\n');
    const c1 = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === 'c1');
    const ws = new NodeWorkspace(h.workspace);
    const plan = await planRewind(h.store, ws, id, 0);
    await applyRewind(h.store, ws, plan);
    assert.deepEqual(
      { recovered: c1?.recovered, told: c1?.content.match(/\[files changed by the command: .*\]/)?.[0], sideEffects: c1?.sideEffects?.map((e) => `${e.path} ${e.kind}`), genAfterRewind: await ws.readFile('gen.txt').then((b) => b && Buffer.from(b).toString()), a: await readFile(join(h.workspace, 'a.txt'), 'utf8') },
      { recovered: 'rerun', told: '[files changed by the command: M a.txt, A gen.txt]', sideEffects: ['a.txt modified', 'gen.txt created'], genAfterRewind: undefined, a: 'v0\n' },
    );
  });
});
