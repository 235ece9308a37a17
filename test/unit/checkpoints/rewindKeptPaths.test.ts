import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keptLine } from '../../../src/cli/rewindText';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { commandSession, keptSessions } from './helpers/commandSession';
import { diskTree } from './helpers/diskTree';

/** What the user put at the session's paths since is kept, and never costs the session's own files. */
describe('a rewind around what the user put at the session\'s paths', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('a move whose way back is a conflict the user keeps: the moved file is kept too, never on disk nowhere', async () => {
    const s = await commandSession(['mv a.txt b.txt'], { prepare: (ws) => writeFile(join(ws, 'a.txt'), 'the original text\n'), keep });
    await writeFile(join(s.h.workspace, 'a.txt'), 'a new file of the user\n');
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.action, f.conflict, f.movedFrom ?? null]),
      [
        ['a.txt', 'restore', true, null],
        ['b.txt', 'delete', false, 'a.txt'],
      ],
    );
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual({ skipped: r.skipped, moveKept: r.moveKept }, { skipped: ['a.txt', 'b.txt'], moveKept: ['b.txt'] });
    assert.equal(keptLine(r), '; kept a.txt (edited outside the session); kept b.txt (where a move put it: its way back is kept)');
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a new file of the user\\n"', 'b.txt': '"the original text\\n"' });
  });

  it('the same move with the conflict overwritten takes the move back', async () => {
    const s = await commandSession(['mv a.txt b.txt'], { prepare: (ws) => writeFile(join(ws, 'a.txt'), 'the original text\n'), keep });
    await writeFile(join(s.h.workspace, 'a.txt'), 'a new file of the user\n');
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 0), { overwriteConflicts: ['a.txt'] });
    assert.deepEqual(r.written.sort(), ['a.txt', 'b.txt']);
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"the original text\\n"' });
  });

  it('the way back of a move written by the user after the preview: the moved file is kept too', async () => {
    const s = await commandSession(['mv a.txt b.txt'], { prepare: (ws) => writeFile(join(ws, 'a.txt'), 'the original text\n'), keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.conflict]), [['a.txt', 'create', false], ['b.txt', 'delete', false]]);
    await writeFile(join(s.h.workspace, 'a.txt'), 'a new file of the user\n');
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual({ written: r.written, skipped: r.skipped.sort(), moveKept: r.moveKept }, { written: [], skipped: ['a.txt', 'b.txt'], moveKept: ['b.txt'] });
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a new file of the user\\n"', 'b.txt': '"the original text\\n"' });
  });

  it('the way back of a move saved by the user while the rewind commits its record: the moved file is kept too', async () => {
    const s = await commandSession(['mv a.txt b.txt'], { prepare: (ws) => writeFile(join(ws, 'a.txt'), 'the original text\n'), keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    const store = s.h.store;
    const commit = store.commit.bind(store);
    // The save lands after the rewind has read the disk and staged the new contents, before the renames.
    store.commit = async (c) => {
      if (c.events[0]?.type === 'rewind') await writeFile(join(s.h.workspace, 'a.txt'), 'a new file of the user\n');
      return commit(c);
    };
    const r = await applyRewind(store, s.ws, plan);
    store.commit = commit;
    assert.deepEqual({ written: r.written, skipped: r.skipped.sort() }, { written: [], skipped: ['a.txt', 'b.txt'] });
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a new file of the user\\n"', 'b.txt': '"the original text\\n"' });
  });

  it('a folder of the user where the session once had a file does not stop a rewind that leaves that path absent', async () => {
    const s = await commandSession(['printf scratch > tmp', 'rm tmp && printf 1 > f.txt'], { prepare: (ws) => writeFile(join(ws, 'f.txt'), '0'), keep });
    await mkdir(join(s.h.workspace, 'tmp'));
    await writeFile(join(s.h.workspace, 'tmp/mine.txt'), "the user's\n");
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action]).sort(), [['f.txt', 'restore'], ['tmp', 'none']]);
    await applyRewind(s.h.store, s.ws, plan);
    assert.equal(await readFile(join(s.h.workspace, 'f.txt'), 'utf8'), '0');
    assert.equal(await readFile(join(s.h.workspace, 'tmp/mine.txt'), 'utf8'), "the user's\n");
  });

  it('a folder of the user where the target has a file: the rewind refuses, saying what to do, and writes nothing', async () => {
    const s = await commandSession(['rm tmp && printf 1 > f.txt'], {
      prepare: async (ws) => {
        await writeFile(join(ws, 'tmp'), 'scratch');
        await writeFile(join(ws, 'f.txt'), '0');
      },
      keep,
    });
    await mkdir(join(s.h.workspace, 'tmp'));
    await assert.rejects(planRewind(s.h.store, s.ws, s.id, 0), /tmp was a file in this session and is a directory now.*Move or remove the directory tmp/);
    assert.equal(await readFile(join(s.h.workspace, 'f.txt'), 'utf8'), '1');
  });
});
