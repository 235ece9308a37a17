import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import type { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { commandSession, keptSessions } from './helpers/commandSession';
import { diskTree } from './helpers/diskTree';

/** Counts the workspace's file reads by path, from now on. */
function countReads(ws: NodeWorkspace): Map<string, number> {
  const reads = new Map<string, number>();
  const read = ws.readFile.bind(ws);
  ws.readFile = (rel: string) => {
    reads.set(rel, (reads.get(rel) ?? 0) + 1);
    return read(rel);
  };
  return reads;
}

/**
 * The apply of a plan that read the disk keeps what the plan read as its safety copy: each file is
 * read once more, right before its rename (a file changed since the preview is left alone there).
 */
describe('a rewind after its own preview reads each file it writes once', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  const commands = ['printf "a 1\\n" > a.txt && printf "b 1\\n" > b.txt', 'printf "a 2\\n" > a.txt && printf "b 2\\n" > b.txt && rm gone.txt'];
  const prepare = (ws: string) => Promise.all(['a.txt', 'b.txt', 'gone.txt'].map((n) => writeFile(join(ws, n), `${n} 0\n`))).then(() => undefined);

  it('each written file is read once by the apply, and the undo gives back what the plan read', async () => {
    const s = await commandSession(commands, { prepare, keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 1);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action]).sort(), [['a.txt', 'restore'], ['b.txt', 'restore'], ['gone.txt', 'create']]);
    const reads = countReads(s.ws);
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual(r.written.sort(), ['a.txt', 'b.txt', 'gone.txt']);
    assert.deepEqual(Object.fromEntries(reads), { 'a.txt': 1, 'b.txt': 1, 'gone.txt': 1 });
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a 1\\n"', 'b.txt': '"b 1\\n"', 'gone.txt': '"gone.txt 0\\n"' });
    const undone = await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.deepEqual(undone.written.sort(), ['a.txt', 'b.txt', 'gone.txt']);
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"a 2\\n"', 'b.txt': '"b 2\\n"' });
  });

  it('a file saved after the preview is left as saved, and the undo of that rewind leaves it too, without asking', async () => {
    const s = await commandSession(commands, { prepare, keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 1);
    await writeFile(join(s.h.workspace, 'a.txt'), 'saved after the preview\n');
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual([r.written.sort(), r.skipped], [['b.txt', 'gone.txt'], ['a.txt']]);
    assert.equal(await readFile(join(s.h.workspace, 'a.txt'), 'utf8'), 'saved after the preview\n');
    const undo = await planUndo(s.h.store, s.ws, s.id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action, f.conflict]).sort(), [['b.txt', 'restore', false], ['gone.txt', 'delete', false]]);
    await undoRewind(s.h.store, s.ws, undo);
    assert.deepEqual(await diskTree(s.h.workspace), { 'a.txt': '"saved after the preview\\n"', 'b.txt': '"b 2\\n"' });
  });
});
