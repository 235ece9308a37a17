import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { LATER_NAMED, laterLines } from '../../../src/core/checkpoints/rewindWords';
import { type CommandSession, commandSession, keptSessions } from './helpers/commandSession';

/**
 * The editor's Undo a Rewind question lists the files a later rewind wrote again (they wait for that
 * rewind's undo). After a big checkout that is hundreds of files: the modal named every one, one line
 * each, past the bottom of the window. It names LATER_NAMED and counts the rest, as the CLI does; the
 * full list is there on request (Show All in the editor).
 */
describe("an undo's preview of files a later rewind wrote again", function () {
  this.timeout(60_000);
  const keep = keptSessions();
  const rewind = async (s: CommandSession, step: number) => applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, step));

  it('names the first ones and counts the rest; every one when asked', async () => {
    // a.txt, changed in step 2 only, is the one file the older undo gives back now.
    const s = await commandSession(['for i in $(seq 1 30); do printf 1 > f$i.txt; done', 'printf a2 > a.txt && for i in $(seq 1 30); do printf 2 > f$i.txt; done'], { prepare: (ws) => writeFile(join(ws, 'a.txt'), 'a0'), keep });
    const r1 = await rewind(s, 0);
    await rewind(s, 1);
    const plan = await planUndo(s.h.store, s.ws, s.id, r1.rewindId);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action]), [['a.txt', 'restore']]);
    assert.equal(plan.laterRewound?.length, 30);
    const lines = laterLines(plan.laterRewound);
    assert.equal(lines.length, LATER_NAMED + 1);
    assert.match(lines[0] as string, /^f\d+\.txt: left for now, rewound again by the rewind to step 1 \(undo that one first\)$/);
    assert.equal(lines[LATER_NAMED], '… and 20 more files left for now, rewound again by the rewind to step 1 (undo that one first): Show All lists them.');
    const all = laterLines(plan.laterRewound, true);
    assert.equal(all.length, 30);
    assert.deepEqual(all.slice(0, LATER_NAMED), lines.slice(0, LATER_NAMED));
  });

  it('a few: each named, no count', () => {
    const later = [{ path: 'a.txt', targetStep: 2 }, { path: 'b.txt', targetStep: undefined }];
    assert.deepEqual(laterLines(later), ['a.txt: left for now, rewound again by the rewind to step 2 (undo that one first)', 'b.txt: left for now, rewound again by a later rewind (undo that one first)']);
    assert.deepEqual(laterLines([]), []);
  });

  it('an undo with nothing but such files refuses naming a few of them, not all', async () => {
    const s = await commandSession(['for i in $(seq 1 30); do printf 1 > f$i.txt; done', 'for i in $(seq 1 30); do printf 2 > f$i.txt; done'], { keep });
    const r1 = await rewind(s, 0);
    await rewind(s, 1);
    const refused = await planUndo(s.h.store, s.ws, s.id, r1.rewindId).then(
      () => '',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    assert.match(refused, /^(f\d+\.txt, ){9}f\d+\.txt and 20 more files were rewound again by the rewind to step 1, which is not undone: undo that one first, then this one gives them back\. Nothing was changed\.$/);
  });
});
