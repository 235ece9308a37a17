import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { BlobHash } from '../../../src/core/store/types';
import { A2, FILES } from './checkpointHarness';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

describe('the drift note after a rewind and its undo', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a file given back by the undo of a rewind is not told to the model as "rewound by the user to an earlier checkpoint"', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }),
        toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'e1' }),
        toolUse('c2', 'run_command', { command: 'true' }, { toolResultFor: 'c1' }),
        finalText('done', { toolResultFor: 'c2' }),
      ],
      FILES,
    );
    const parkAt = (call: string) => new ScriptedGate((r) => (r.approvalId.includes(`:${call}:`) ? 'park' : { decision: 'approve' }));
    const id = await h.start(h.runner());
    assert.equal((await h.runner(parkAt('c1')).run(id)).status, 'waiting');
    const ws = new NodeWorkspace(h.workspace);
    const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 0));
    // Resume: the model is told its file was rewound; c2 waits.
    assert.equal((await h.runner(parkAt('c2')).run(id)).status, 'waiting');
    // The user takes the rewind back: the file holds the session's own edit again.
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId));
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A2);
    assert.equal((await h.runner().run(id)).status, 'completed');
    const notes = await Promise.all(
      (await h.events(id)).flatMap((e) => (e.type === 'message_added' && e.data.reason === 'drift' ? [e.data.message] : [])).map(async (m) => new TextDecoder().decode(await h!.store.getBlob(m as BlobHash))),
    );
    assert.equal(notes.length, 2);
    assert.match(notes[0] ?? '', /rewound by the user to an earlier checkpoint/);
    assert.doesNotMatch(notes[1] ?? '', /rewound by the user to an earlier checkpoint/, `the undo is told as a rewind to an earlier checkpoint:\n${notes[1]}`);
  });
});
