import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDrift } from '../../../src/core/checkpoints/drift';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { Message } from '../../../src/core/model/types';
import type { BlobHash } from '../../../src/core/store/types';
import { FILES } from '../checkpoints/checkpointHarness';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

/** The drift note is told once: what it told is where the next drift check starts. */
describe('drift told once', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a change the model was told about is not told again on the next resume, and a later one is diffed from what it was told', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }),
        toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'e1' }),
        toolUse('c2', 'run_command', { command: 'true' }, { toolResultFor: 'c1' }),
        toolUse('c3', 'run_command', { command: 'true' }, { toolResultFor: 'c2' }),
        finalText('done', { toolResultFor: 'c3' }),
      ],
      FILES,
    );
    const first = h.runner(new ScriptedGate((r) => (r.tool === 'run_command' ? 'park' : { decision: 'approve' })));
    const id = await h.start(first);
    assert.equal((await first.run(id)).status, 'waiting');
    await writeFile(join(h.workspace, 'src/a.ts'), 'export function alpha() {\n  return 10; // reviewed by the user\n}\n');
    // Resume 1: c1 approved, the model is told about src/a.ts, then c2 waits.
    const second = h.runner(new ScriptedGate((r) => (r.approvalId.includes(':c2:') ? 'park' : { decision: 'approve' })));
    assert.equal((await second.run(id)).status, 'waiting');
    const driftNotes = async () => (await h!.events(id)).filter((e) => e.type === 'message_added' && e.data.reason === 'drift').length;
    assert.equal(await driftNotes(), 1);
    // Resume 2: nothing changed on disk since the model was told.
    const parkAt = (call: string) => new ScriptedGate((r) => (r.approvalId.includes(`:${call}:`) ? 'park' : { decision: 'approve' }));
    assert.equal((await h.runner(parkAt('c3')).run(id)).status, 'waiting');
    assert.equal(await driftNotes(), 1, 'the same outside change was reported again as new ("While you were away...")');
    // Another change: diffed from what the model was told, not from its own last write.
    await writeFile(join(h.workspace, 'src/a.ts'), 'export function alpha() {\n  return 10; // reviewed by the user\n}\nexport const gamma = 3;\n');
    const [d] = (await detectDrift(h.store, new NodeWorkspace(h.workspace), id)).filter((x) => x.path === 'src/a.ts');
    assert.equal(d?.kind, 'changed');
    assert.match(d?.diff ?? '', /^\+export const gamma = 3;$/m);
    assert.doesNotMatch(d?.diff ?? '', /^[-+].*return 10;/m, 'the change already told is context, not news');
    assert.equal((await h.runner().run(id)).status, 'completed');
    assert.equal(await driftNotes(), 2);
    const notes = (await h.events(id)).flatMap((e) => (e.type === 'message_added' && e.data.reason === 'drift' ? [e.data.message] : []));
    const last = JSON.parse(new TextDecoder().decode(await h.store.getBlob(notes[1] as BlobHash))) as Message;
    const text = JSON.stringify(last.content);
    assert.match(text, /gamma/);
    assert.doesNotMatch(text, /-  return 10;/);
  });

  it('a file the model was told is deleted is not told again, and told when it comes back', async () => {
    h = await harness(
      [
        toolUse('r1', 'read_file', { path: 'notes.txt' }),
        toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'r1' }),
        toolUse('c2', 'run_command', { command: 'true' }, { toolResultFor: 'c1' }),
        toolUse('c3', 'run_command', { command: 'true' }, { toolResultFor: 'c2' }),
        finalText('done', { toolResultFor: 'c3' }),
      ],
      FILES,
    );
    const parkAt = (call: string) => new ScriptedGate((r) => (r.approvalId.includes(`:${call}:`) ? 'park' : { decision: 'approve' }));
    const id = await h.start(h.runner());
    assert.equal((await h.runner(parkAt('c1')).run(id)).status, 'waiting');
    const notes = async () => (await h!.events(id)).filter((e) => e.type === 'message_added' && e.data.reason === 'drift').length;
    const { rm } = await import('node:fs/promises');
    await rm(join(h.workspace, 'notes.txt'));
    assert.equal((await h.runner(parkAt('c2')).run(id)).status, 'waiting');
    assert.equal(await notes(), 1);
    assert.equal((await h.runner(parkAt('c3')).run(id)).status, 'waiting');
    assert.equal(await notes(), 1, 'the deletion is told once');
    await writeFile(join(h.workspace, 'notes.txt'), 'new notes\n');
    const [d] = (await detectDrift(h.store, new NodeWorkspace(h.workspace), id)).filter((x) => x.path === 'notes.txt');
    assert.equal(d?.kind, 'created');
    assert.equal((await h.runner().run(id)).status, 'completed');
    assert.equal(await notes(), 2);
  });
});
