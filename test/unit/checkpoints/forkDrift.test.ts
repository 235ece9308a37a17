import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { forkSession } from '../../../src/core/checkpoints/fork';
import type { BlobHash, SessionId } from '../../../src/core/store/types';
import { FILES, NEW, NOTES } from './checkpointHarness';
import { ScriptedGate, finalText, harnessPerTest, toolUse, type Harness } from '../runner/runnerHarness';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';

/** The text of each drift note the session's model was given. */
const driftNotes = async (h: Harness, id: SessionId): Promise<string[]> =>
  Promise.all(
    (await h.events(id))
      .flatMap((e) => (e.type === 'message_added' && e.data.reason === 'drift' ? [e.data.message] : []))
      .map(async (m) => {
        const message = JSON.parse(new TextDecoder().decode(await h.store.getBlob(m as BlobHash))) as { content: { text: string }[] };
        return message.content.map((c) => c.text).join('');
      }),
  );

describe('a fork resumed after its source went on is told what the source changed after the fork point', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  /** A completed session that edited src/a.ts, then created src/util.ts; its fork's model answers 'noted'. */
  async function editedThenCreated(): Promise<{ h: Harness; id: SessionId }> {
    const h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }),
        toolUse('w1', 'write_file', { path: 'src/util.ts', content: NEW }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'w1' }),
        finalText('noted'),
      ],
      FILES,
    );
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    return { h, id };
  }

  it('names the files the source created, changed and deleted after the fork point that the fork never knew, with diffs; not a file changed and put back, nor a file the fork knows unchanged', async () => {
    const h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }),
        toolUse('w1', 'write_file', { path: 'src/util.ts', content: NEW }, { toolResultFor: 'e1' }),
        toolUse('c1', 'run_command', { command: "printf '# demo, changed\\n' > README.md && printf 'scratch\\n' > notes.txt && rm -f gone.txt" }, { toolResultFor: 'w1' }),
        toolUse('c2', 'run_command', { command: "printf 'old notes\\n' > notes.txt" }, { toolResultFor: 'c1' }),
        finalText('done', { toolResultFor: 'c2' }),
        // The fork's first turn after its resume.
        finalText('noted'),
      ],
      { ...FILES, 'gone.txt': 'to be removed\n' },
    );
    // The commands' changes are recorded as the editor and the CLI record them.
    const capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    try {
      const runner = h.runner(new ScriptedGate(), { capture });
      const id = await h.start(runner);
      assert.equal((await runner.run(id)).status, 'completed');
      assert.equal(await readFile(join(h.workspace, 'notes.txt'), 'utf8'), NOTES, 'notes.txt is back as it was');

      const fork = await forkSession(h.store, id, 1, { message: 'go on from here' });
      assert.equal((await h.runner(new ScriptedGate(), { capture }).run(fork.id)).status, 'completed');
      const notes = await driftNotes(h, fork.id);
      assert.equal(notes.length, 1, 'the resumed fork is told once');
      const note = notes[0] as string;
      assert.match(note, /files the session this one was forked from changed after the point it was forked at/);
      assert.match(note, /\nsrc\/util\.ts was created after the point this session was forked at \(by the session it was forked from, or outside it\):\n(?:.*\n)*?```diff\n(?:.*\n)*\+export const n = 1;/);
      assert.match(note, /\nREADME\.md was changed after the point this session was forked at [^\n]*:\n(?:.*\n)*?-# demo\n\+# demo, changed\n/);
      assert.match(note, /\ngone\.txt was deleted after the point this session was forked at \(by the session it was forked from, or outside it\)\.\n/);
      assert.doesNotMatch(note, /notes\.txt/, 'changed and put back: nothing to tell');
      assert.doesNotMatch(note, /src\/a\.ts/, 'the fork knows src/a.ts as it is');
    } finally {
      await capture.dispose();
    }
  });

  it('a fork of a fork is told what each session up the chain changed after the point it was forked at (the first source too)', async () => {
    const h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }),
        toolUse('w1', 'write_file', { path: 'src/util.ts', content: NEW }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'w1' }),
        // The first fork goes on (after the grandchild was forked from it), the grandchild answers its note.
        toolUse('w2', 'write_file', { path: 'src/b.ts', content: 'export const b = 2;\n' }),
        finalText('b done', { toolResultFor: 'w2' }),
        finalText('noted'),
      ],
      FILES,
    );
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const child = await forkSession(h.store, id, 1, { message: 'go on' });
    const grandchild = await forkSession(h.store, child.id, 1);
    assert.equal((await h.runner().run(child.id)).status, 'completed');
    assert.equal((await h.runner().run(grandchild.id)).status, 'completed');
    const notes = await driftNotes(h, grandchild.id);
    assert.equal(notes.length, 1, 'the resumed fork of a fork is told once');
    const note = notes[0] as string;
    assert.match(note, /\nsrc\/util\.ts was created after the point this session was forked at [^\n]*:\n(?:.*\n)*?\+export const n = 1;/, 'created by the first session after the point');
    assert.match(note, /\nsrc\/b\.ts was created after the point this session was forked at [^\n]*:\n(?:.*\n)*?\+export const b = 2;/, 'created by the fork it came from');
    assert.doesNotMatch(note, /src\/a\.ts/, 'the fork knows src/a.ts as it is');
  });

  it('a fork from the start (step 0) is told what the source changed, as a fork from a later step is', async () => {
    const { h, id } = await editedThenCreated();
    const fork = await forkSession(h.store, id, 0, { message: 'start over, another way' });
    assert.equal((await h.runner().run(fork.id)).status, 'completed');
    const notes = await driftNotes(h, fork.id);
    assert.equal(notes.length, 1, 'the fork from the start is told');
    assert.match(notes[0] as string, /\nsrc\/a\.ts was changed after the point this session was forked at [^\n]*:\n(?:.*\n)*?-  return 1;\n\+  return 10;/);
    assert.match(notes[0] as string, /\nsrc\/util\.ts was created after the point this session was forked at/);
  });

  it('a fork whose source is deleted is told only of its own files', async () => {
    const { h, id } = await editedThenCreated();
    const fork = await forkSession(h.store, id, 1, { message: 'go on' });
    await h.store.deleteSession(id, 'test');
    assert.equal((await h.runner().run(fork.id)).status, 'completed');
    assert.deepEqual(await driftNotes(h, fork.id), []);
  });
});
