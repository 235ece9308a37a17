import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { previewLine } from '../../../src/core/checkpoints/rewindWords';
import { commandSession, keptSessions } from './helpers/commandSession';
import { diskTree } from './helpers/diskTree';

/** A command that turned a file into a folder, or a folder into a file: the rewind and its undo swap them back. */
describe('a rewind across a file that became a folder, or a folder that became a file', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  const folder = (ws: string) => mkdir(join(ws, 'gen')).then(() => writeFile(join(ws, 'gen/a.ts'), 'export const a = 1;\n'));

  it('a folder a command replaced with a file comes back, and the undo puts the file back', async () => {
    const s = await commandSession(['rm -r gen && printf "flat\\n" > gen'], { prepare: folder, keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.conflict]).sort(), [['gen', 'delete', false], ['gen/a.ts', 'create', false]]);
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual([r.written.sort(), r.skipped], [['gen', 'gen/a.ts'], []]);
    assert.deepEqual(await diskTree(s.h.workspace), { 'gen/a.ts': '"export const a = 1;\\n"' });

    const undo = await planUndo(s.h.store, s.ws, s.id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action, f.conflict]).sort(), [['gen', 'create', false], ['gen/a.ts', 'delete', false]]);
    const u = await undoRewind(s.h.store, s.ws, undo);
    assert.deepEqual([u.written.sort(), u.skipped], [['gen', 'gen/a.ts'], []]);
    assert.deepEqual(await diskTree(s.h.workspace), { gen: '"flat\\n"' });

    // And once more: the same rewind after its undo.
    await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 0));
    assert.deepEqual(await diskTree(s.h.workspace), { 'gen/a.ts': '"export const a = 1;\\n"' });
  });

  it('a file a command replaced with a folder of files comes back, the folder goes, and the undo brings the folder back', async () => {
    const s = await commandSession(['rm cfg && mkdir -p cfg/sub && printf x > cfg/sub/x.ts && printf y > cfg/y.ts'], { prepare: (ws) => writeFile(join(ws, 'cfg'), 'one\n'), keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.conflict]).sort(), [['cfg', 'create', false], ['cfg/sub/x.ts', 'delete', false], ['cfg/y.ts', 'delete', false]]);
    const cfg = plan.files.find((f) => f.path === 'cfg');
    assert.match(cfg?.diff ?? '', /^cfg: the folder cfg goes \(the files in it are deleted\), and the file takes its place\n/);
    assert.equal(previewLine(cfg as NonNullable<typeof cfg>), 'create cfg (in place of the folder cfg, emptied by this rewind)');
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual([r.written.sort(), r.skipped], [['cfg', 'cfg/sub/x.ts', 'cfg/y.ts'], []]);
    assert.deepEqual(await diskTree(s.h.workspace), { cfg: '"one\\n"' });

    const u = await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.deepEqual([u.written.sort(), u.skipped], [['cfg', 'cfg/sub/x.ts', 'cfg/y.ts'], []]);
    assert.deepEqual(await diskTree(s.h.workspace), { 'cfg/sub/x.ts': '"x"', 'cfg/y.ts': '"y"' });
  });

  it('a file of the user in that folder: the rewind refuses, saying what to do, and changes nothing', async () => {
    const s = await commandSession(['rm cfg && mkdir cfg && printf y > cfg/y.ts'], { prepare: (ws) => writeFile(join(ws, 'cfg'), 'one\n'), keep });
    await writeFile(join(s.h.workspace, 'cfg/mine.txt'), "the user's\n");
    await assert.rejects(planRewind(s.h.store, s.ws, s.id, 0), /^CheckpointError: cfg was a file in this session and is a directory now, holding cfg\/mine\.txt, which this rewind does not remove: a rewind does not replace a directory with a file\. Move or remove the directory cfg, then try again\. Nothing was changed\.$/);
    assert.deepEqual(await diskTree(s.h.workspace), { 'cfg/mine.txt': '"the user\'s\\n"', 'cfg/y.ts': '"y"' });
  });

  it('a file put in the folder after the preview: the folder and that file stay, the rest is done, and the result says what was kept', async () => {
    const s = await commandSession(['rm cfg && mkdir cfg && printf y > cfg/y.ts && printf z > z.ts'], { prepare: (ws) => writeFile(join(ws, 'cfg'), 'one\n'), keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    await writeFile(join(s.h.workspace, 'cfg/late.txt'), 'saved meanwhile\n');
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual([r.written.sort(), r.skipped], [['cfg/y.ts', 'z.ts'], ['cfg']]);
    assert.deepEqual(await diskTree(s.h.workspace), { 'cfg/late.txt': '"saved meanwhile\\n"' });
    // The undo gives back what the rewind did.
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.deepEqual(await diskTree(s.h.workspace), { 'cfg/late.txt': '"saved meanwhile\\n"', 'cfg/y.ts': '"y"', 'z.ts': '"z"' });
  });

  it("the file edited outside the session since: kept with the folder's files unless overwritten, then swapped", async () => {
    const s = await commandSession(['rm -r gen && printf "flat\\n" > gen && printf z > z.ts'], { prepare: folder, keep });
    await writeFile(join(s.h.workspace, 'gen'), 'flat, edited by the user\n');
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.conflict]).sort(), [['gen', 'delete', true], ['gen/a.ts', 'create', false], ['z.ts', 'delete', false]]);
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual([r.written, r.skipped.sort()], [['z.ts'], ['gen', 'gen/a.ts']]);
    assert.equal(await readFile(join(s.h.workspace, 'gen'), 'utf8'), 'flat, edited by the user\n');

    const again = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 0), { overwriteConflicts: ['gen'] });
    assert.deepEqual(again.written.sort(), ['gen', 'gen/a.ts']);
    assert.deepEqual(await diskTree(s.h.workspace), { 'gen/a.ts': '"export const a = 1;\\n"' });
    // The user's version is in the safety checkpoint: the undo brings it back.
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, again.rewindId));
    assert.equal(await readFile(join(s.h.workspace, 'gen'), 'utf8'), 'flat, edited by the user\n');
  });
});
