import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { Crash, ScriptedGate, crashAt, harness, type Harness } from '../runner/runnerHarness';
import { FILES, STEPS } from '../checkpoints/checkpointHarness';

describe('a both-mode rewind to a step that never settled', function () {
  this.timeout(60000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the record names the step the files and the fork went back to', async () => {
    h = await harness(STEPS(), FILES);
    const id = await h.start(h.runner());
    // Step 2's edit is cut short by a crash: step 2 never settled.
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:edit_file') }).run(id), Crash);
    await h.runner().markInterrupted(id, 'the editor was killed');
    const ws = new NodeWorkspace(h.workspace);
    const plan = await planRewind(h.store, ws, id, 2, { mode: 'both' });
    assert.equal(plan.conversation?.step, 1, 'the conversation goes back to the end of step 1');
    const r = await applyRewind(h.store, ws, plan);
    assert.equal((await h.store.getSession(r.forkId!))?.parent?.step, 1);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), FILES['src/a.ts']);
    const [rec] = await listRewinds(h.store, id);
    assert.equal(rec?.targetStep, 1, 'the rewind is listed (and undone, and shown in the timeline) as a rewind to the step it went back to');
  });
});
