import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { commandSession, keptSessions } from './helpers/commandSession';
import { diskTree } from './helpers/diskTree';

// The file system's clock is coarse (a few ms behind the wall clock): a command waits a little before
// making a folder, so that its birth is clearly after the step before ended, as it is in a real session.
const LATER = 'sleep 0.1; ';

/** A rewind removes the folders its deletions empty when a step after its target made them, as `git checkout` does. */
describe('the folders a rewind empties', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('folders a later step made are removed once the rewind empties them, and come back with its undo', async () => {
    const s = await commandSession(['echo a > a.txt', `${LATER}mkdir -p gen/out && echo x > gen/out/x.ts && echo y > gen/y.ts`], { keep });
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 1));
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a\\n"' }, 'no empty gen/ or gen/out/ left behind');
    assert.deepEqual(r.removedDirs, ['gen', 'gen/out']);
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a\\n"', 'gen/out/x.ts': '"x\\n"', 'gen/y.ts': '"y\\n"' });
  });

  it('a folder the target step itself made stays, empty, as it was then', async () => {
    const s = await commandSession([`${LATER}mkdir gen`, `${LATER}echo x > gen/x.ts`], { keep });
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 1));
    assert.deepEqual(await diskTree(s.h.workspace), { 'gen/': 'dir' });
    assert.equal(r.removedDirs, undefined);
  });

  it('back to before the session: the folders it made go, those that were there before it stay', async () => {
    const s = await commandSession([`${LATER}echo x > old/x.ts && mkdir -p gen && echo y > gen/y.ts`], {
      prepare: async (ws) => {
        await mkdir(join(ws, 'old'));
        await writeFile(join(ws, 'keep.txt'), 'k\n');
      },
      keep,
    });
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 0));
    assert.deepEqual(await diskTree(s.h.workspace), { 'keep.txt': '"k\\n"', 'old/': 'dir' });
    assert.deepEqual(r.removedDirs, ['gen']);
  });

  it('a folder that holds anything else stays: a file the user put there, an empty folder of theirs', async () => {
    const s = await commandSession(['echo a > a.txt', `${LATER}mkdir -p gen/sub && echo x > gen/x.ts && echo y > gen/sub/y.ts`], { keep });
    await writeFile(join(s.h.workspace, 'gen/notes.md'), 'mine\n');
    await mkdir(join(s.h.workspace, 'gen/sub/empty'));
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 1));
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a\\n"', 'gen/notes.md': '"mine\\n"', 'gen/sub/empty/': 'dir' });
    assert.equal(r.removedDirs, undefined);
  });
});
