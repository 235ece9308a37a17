import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

describe('a pending delete of a file the user deleted meanwhile', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('approved, it completes without asking about a conflict (both sides deleted the file)', async () => {
    h = await harness([toolUse('d1', 'delete_file', { path: 'notes.txt' }), finalText('done', { toolResultFor: 'd1' })], { 'notes.txt': 'old notes\n' });
    const id = await h.start(h.runner());
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    await rm(join(h.workspace, 'notes.txt'));
    const gate = new ScriptedGate();
    const out = await h.runner(gate).run(id);
    assert.equal(out.status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['tool']);
  });
});
