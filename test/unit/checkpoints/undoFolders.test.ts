import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { commandSession, keptSessions } from './helpers/commandSession';
import { diskTree } from './helpers/diskTree';

/** The undo of a rewind gives the tree back as it was, folders too: those the rewind made for the files it brought back go once empty. */
describe('the folders a rewind makes', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('a folder a command removed whole comes back with the rewind, and goes again with its undo', async () => {
    const s = await commandSession(['rm -r d'], {
      prepare: async (ws) => {
        await mkdir(join(ws, 'd/e'), { recursive: true });
        await writeFile(join(ws, 'd/e/x.txt'), 'x\n');
        await writeFile(join(ws, 'keep.txt'), 'k\n');
      },
      keep,
    });
    assert.deepEqual(await diskTree(s.h.workspace), { 'keep.txt': '"k\\n"' });
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 0));
    assert.deepEqual(await diskTree(s.h.workspace), { 'd/e/x.txt': '"x\\n"', 'keep.txt': '"k\\n"' });
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.deepEqual(await diskTree(s.h.workspace), { 'keep.txt': '"k\\n"' }, 'the undo leaves no empty d/e/');
  });

  it('a folder the rewind made in which the user put a file since stays, with that file', async () => {
    const s = await commandSession(['rm -r d'], {
      prepare: async (ws) => {
        await mkdir(join(ws, 'd'));
        await writeFile(join(ws, 'd/x.txt'), 'x\n');
      },
      keep,
    });
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 0));
    await writeFile(join(s.h.workspace, 'd/mine.txt'), 'mine\n');
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.deepEqual(await diskTree(s.h.workspace), { 'd/mine.txt': '"mine\\n"' });
  });
});
