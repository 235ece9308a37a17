import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { commandSession, keptSessions } from './helpers/commandSession';
import { entryKind } from './helpers/linkSession';

/** src/a.ts and src/b.ts before the session. */
const prepare = async (w: string) => {
  await mkdir(join(w, 'src'));
  await writeFile(join(w, 'src/a.ts'), 'a\n');
  await writeFile(join(w, 'src/b.ts'), 'b\n');
};

const FILES = ['src/a.ts', 'src/b.ts', 'src2/a.ts', 'src2/b.ts'];

describe('a command moves a folder and leaves a symlink in its place', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  const disk = async (root: string) => Promise.all(FILES.map(async (p) => [p, await entryKind(root, p)]));

  it('the rewind names the old paths as blocked by the link and keeps the moved files (never neither copy); without the link it takes the move back, and its undo redoes it', async () => {
    const s = await commandSession(['mv src src2 && ln -s src2 src'], { prepare, keep });
    const moved = [await entryKind(s.h.workspace, 'src'), ...(await disk(s.h.workspace))];
    assert.equal(moved[0], 'link to src2');

    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    const rows = plan.files.map((f) => [f.path, f.action, f.link?.path ?? null, f.keptFor?.path ?? null]);
    assert.deepEqual(rows, [
      // The link the command made is the session's own, but files are on the way through it: it stays too.
      ['src', 'delete', 'src', null],
      ['src/a.ts', 'restore', 'src', null],
      ['src2/a.ts', 'delete', null, 'src/a.ts'],
      ['src/b.ts', 'restore', 'src', null],
      ['src2/b.ts', 'delete', null, 'src/b.ts'],
    ]);
    // The preview says why the moved file stays, and what to do.
    const kept = plan.files.find((f) => f.path === 'src2/a.ts');
    assert.match(kept?.diff ?? '', /src2\/a\.ts is kept: .*src\/a\.ts cannot come back.*Remove the link src, then rewind again/);
    assert.deepEqual(kept?.symbols, []);
    assert.match(plan.files[0]?.diff ?? '', /^src is kept: it is a symlink the session made \(to src2\), and src\/a\.ts is on the way through it.*Remove the link src, then rewind again/);

    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual(r.written, []);
    assert.deepEqual([...r.linked].sort(), ['src', 'src/a.ts', 'src/b.ts', 'src2/a.ts', 'src2/b.ts']);
    assert.deepEqual([await entryKind(s.h.workspace, 'src'), ...(await disk(s.h.workspace))], moved);

    // With the link gone, the whole move goes back; the undo puts the files where the move left them.
    await rm(join(s.h.workspace, 'src'));
    const again = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(again.files.map((f) => [f.path, f.action, f.keptFor ?? null]), [
      ['src', 'none', null],
      ['src/a.ts', 'create', null],
      ['src2/a.ts', 'delete', null],
      ['src/b.ts', 'create', null],
      ['src2/b.ts', 'delete', null],
    ]);
    const back = await applyRewind(s.h.store, s.ws, again);
    assert.deepEqual(await disk(s.h.workspace), [['src/a.ts', 'file a\n'], ['src/b.ts', 'file b\n'], ['src2/a.ts', 'absent'], ['src2/b.ts', 'absent']]);
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, back.rewindId));
    assert.deepEqual(await disk(s.h.workspace), [['src/a.ts', 'absent'], ['src/b.ts', 'absent'], ['src2/a.ts', 'file a\n'], ['src2/b.ts', 'file b\n']]);
  });

  it('a folder moved and its files edited in the same command (no move paired for them): the rewind keeps the edited file the link leads to, never neither copy', async () => {
    const s = await commandSession(["mv src lib && sed -i 's/^a$/a edited/' lib/a.ts && ln -s lib src"], { prepare, keep });
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    const lib = plan.files.find((f) => f.path === 'lib/a.ts');
    assert.equal(lib?.action, 'delete');
    assert.equal(lib?.keptFor?.path, 'src/a.ts', JSON.stringify(plan.files.map((f) => [f.path, f.action, f.link?.path, f.keptFor?.path])));
    assert.match(lib?.diff ?? '', /lib\/a\.ts is kept: .*Remove the link src, then rewind again/);
    await applyRewind(s.h.store, s.ws, plan);
    assert.equal(await entryKind(s.h.workspace, 'lib/a.ts'), 'file a edited\n');
    assert.equal(await entryKind(s.h.workspace, 'src'), 'link to lib');
  });
});
