import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { type CommandSession, commandSession, keptSessions } from './helpers/commandSession';
import { diskTree } from './helpers/diskTree';

/**
 * Two rewinds of a session with no undo between (to step N, then to a later step M), undone: once
 * both are undone, the workspace is what it was before them, whatever order the user undoes them in.
 * A file the later rewind wrote again waits for that rewind's undo: the earlier one's undo says so
 * (and refuses when that is all it has), instead of taking the file for given back while the later
 * undo then writes the earlier rewind's result again.
 */
describe('undoing two rewinds of a session, the older first', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  const rewind = async (s: CommandSession, step: number) => applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, step));
  const undo = async (s: CommandSession, rewindId: string) => undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, rewindId));
  const undone = async (s: CommandSession) => (await listRewinds(s.h.store, s.id)).map((r) => r.undone).sort();

  it('rewind to step 1, then to the last step: the older undo waits for the later one, and both undone leave the file as before', async () => {
    const s = await commandSession(['printf 1 > f.txt', 'printf 2 > f.txt'], { prepare: (ws) => writeFile(join(ws, 'f.txt'), '0'), keep });
    const r1 = await rewind(s, 1);
    const r2 = await rewind(s, 2);
    assert.deepEqual(await diskTree(s.h.workspace), { 'f.txt': '"2"' });
    await assert.rejects(undo(s, r1.rewindId), /f\.txt was rewound again by the rewind to step 2, which is not undone: undo that one first.*Nothing was changed/);
    assert.deepEqual(await diskTree(s.h.workspace), { 'f.txt': '"2"' });
    await undo(s, r2.rewindId);
    assert.deepEqual(await diskTree(s.h.workspace), { 'f.txt': '"1"' }, 'the later undo gives back what the first rewind wrote');
    await undo(s, r1.rewindId);
    assert.deepEqual(await undone(s), [true, true]);
    assert.deepEqual(await diskTree(s.h.workspace), { 'f.txt': '"2"' }, 'both undone: as before the rewinds');
  });

  it('a file the session deleted stays deleted once both rewinds are undone', async () => {
    const s = await commandSession(['printf 1 > f.txt', 'rm f.txt'], { keep });
    const r1 = await rewind(s, 1);
    const r2 = await rewind(s, 0);
    await assert.rejects(undo(s, r1.rewindId), /rewound again by the rewind to before the session/);
    await undo(s, r2.rewindId);
    await undo(s, r1.rewindId);
    assert.deepEqual(await undone(s), [true, true]);
    assert.deepEqual(await diskTree(s.h.workspace), {});
  });

  it('the older undo gives back the files the later rewind did not write again, lists the others as waiting, and a second undo gives those back after the later undo', async () => {
    const s = await commandSession(['printf b1 > b.txt', 'printf a2 > a.txt && printf b2 > b.txt'], {
      prepare: async (ws) => {
        await writeFile(join(ws, 'a.txt'), 'a0');
        await writeFile(join(ws, 'b.txt'), 'b0');
      },
      keep,
    });
    const r1 = await rewind(s, 0); // a0 b0
    const r2 = await rewind(s, 1); // b1 only (a.txt is a0 at step 1 too)
    assert.deepEqual(r2.written, ['b.txt']);
    const plan = await planUndo(s.h.store, s.ws, s.id, r1.rewindId);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action]), [['a.txt', 'restore']]);
    assert.deepEqual(plan.laterRewound, [{ path: 'b.txt', targetStep: 1 }]);
    await undoRewind(s.h.store, s.ws, plan);
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a2"', 'b.txt': '"b1"' });
    assert.deepEqual(await undone(s), [false, false], 'the first rewind waits for b.txt');
    await undo(s, r2.rewindId);
    await undo(s, r1.rewindId);
    assert.deepEqual(await undone(s), [true, true]);
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a2"', 'b.txt': '"b2"' }, 'both undone: as before the rewinds');
  });
});
