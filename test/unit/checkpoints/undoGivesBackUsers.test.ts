import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import type { Harness } from '../runner/runnerHarness';
import { builtSession } from './checkpointHarness';

const MINE = '// my own rewrite\nexport const mine = 1;\n';

/** An edit of the user's that a rewind overwrote with their OK stays theirs when the rewind's undo gives it back. */
describe("a user's version given back by the undo of a rewind that overwrote it", function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** The user's edit of src/a.ts, overwritten by a rewind to step 2 with their OK, then given back by its undo. */
  async function overwrittenThenUndone() {
    const b = await builtSession();
    h = b.h;
    const file = join(h.workspace, 'src/a.ts');
    await writeFile(file, MINE);
    const first = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2), { overwriteConflicts: ['src/a.ts'] });
    await undoRewind(h.store, b.ws, await planUndo(h.store, b.ws, b.id, first.rewindId));
    return { b, file };
  }

  it('is a conflict for the next rewind: kept unless the user says to overwrite it again', async () => {
    const { b, file } = await overwrittenThenUndone();
    assert.equal(await readFile(file, 'utf8'), MINE, 'the undo gave the user their text back');
    const again = await planRewind(b.h.store, b.ws, b.id, 0);
    assert.deepEqual(again.files.filter((f) => f.path === 'src/a.ts').map((f) => [f.action, f.conflict]), [['restore', true]]);
    const r = await applyRewind(b.h.store, b.ws, again);
    assert.ok(r.skipped.includes('src/a.ts'));
    assert.equal(await readFile(file, 'utf8'), MINE);
  });

  it('overwritten again with their OK, then brought back by the user, it is still a conflict', async () => {
    const { b, file } = await overwrittenThenUndone();
    await applyRewind(b.h.store, b.ws, await planRewind(b.h.store, b.ws, b.id, 2), { overwriteConflicts: ['src/a.ts'] });
    // The user brings their version back themselves (an editor's undo and save, or git).
    await writeFile(file, MINE);
    const again = await planRewind(b.h.store, b.ws, b.id, 0);
    assert.deepEqual(again.files.filter((f) => f.path === 'src/a.ts').map((f) => [f.action, f.conflict]), [['restore', true]]);
    await applyRewind(b.h.store, b.ws, again);
    assert.equal(await readFile(file, 'utf8'), MINE);
  });
});
