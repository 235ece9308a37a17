import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conflictsToAsk, markUnsaved } from '../../../src/core/checkpoints/overwriteChoice';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { changeCount, previewLine, rewoundMessage } from '../../../src/core/checkpoints/rewindWords';
import type { Harness } from '../runner/runnerHarness';
import { A0, A3, builtSession } from './checkpointHarness';

/**
 * A file the rewind would write that has unsaved changes in an editor (the editor tells which):
 * the rewind wrote the disk under the editor, which kept showing the unsaved text, said nothing of
 * it, and a later save either failed or put the user's text back over the rewind. Now such a file
 * is asked about as an edit outside the session is: left alone unless the user ticks it.
 */
describe('a rewind of a file with unsaved changes in an editor', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('is marked in the preview, asked about, and left alone unless ticked', async () => {
    const b = await builtSession();
    h = b.h;
    const plan = await planRewind(h.store, b.ws, b.id, 0);
    markUnsaved(plan.files, ['src/a.ts', 'README.md']);
    const a = plan.files.find((f) => f.path === 'src/a.ts');
    assert.ok(a);
    assert.equal(a.conflict, false, 'the disk holds what the session wrote');
    assert.equal(previewLine(a), 'restore src/a.ts (unsaved changes in an editor)');
    assert.deepEqual(conflictsToAsk(plan.files), ['src/a.ts'], 'a file the rewind does not change is not asked about');
    assert.equal(changeCount(plan.files.filter((f) => f.action !== 'none')), '2 files will change, 1 more only if you choose to overwrite it next');

    const r = await applyRewind(h.store, b.ws, plan, { overwriteConflicts: [] });
    assert.deepEqual(r.skipped, ['src/a.ts']);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A3, 'not written under the editor');
    assert.equal(rewoundMessage({ targetStep: 0, files: plan.files }, r).text, 'Savepoint: rewound 2 files, kept 1 with unsaved changes in an editor. Undo it now or later with Savepoint: Undo a Rewind.');
  });

  it('ticked, it is written; its undo asks the same way', async () => {
    const b = await builtSession();
    h = b.h;
    const plan = await planRewind(h.store, b.ws, b.id, 0);
    markUnsaved(plan.files, ['src/a.ts']);
    const r = await applyRewind(h.store, b.ws, plan, { overwriteConflicts: ['src/a.ts'] });
    assert.deepEqual(r.skipped, []);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A0);

    const undo = await planUndo(h.store, b.ws, b.id, r.rewindId);
    markUnsaved(undo.files, ['src/new.ts']);
    assert.deepEqual(conflictsToAsk(undo.files), ['src/new.ts']);
    const u = await undoRewind(h.store, b.ws, undo, { overwriteConflicts: [] });
    assert.deepEqual(u.skipped, ['src/new.ts']);
    await assert.rejects(readFile(join(h.workspace, 'src/new.ts'), 'utf8'), 'the file the rewind deleted is not written back under its editor');
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A3);
  });
});
