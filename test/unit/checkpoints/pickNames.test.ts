import assert from 'node:assert/strict';
import { loadFileHistory } from '../../../src/core/checkpoints/fileHistory';
import { pickNames, rewindPickDetail, stepPickDescription } from '../../../src/core/checkpoints/pickWords';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { stepChoices } from '../../../src/core/checkpoints/stepChanges';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * The quick picks of Rewind, Fork and Undo a Rewind described a step (or a rewind) by every file
 * name joined in one line: after a checkout of another branch, hundreds of names in one row, cut by
 * the window at no useful place. They name a few and count the rest.
 */
describe('the file names of a step or a rewind in a quick pick', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('a few names, then "+N more"; each path once; none: said', () => {
    assert.equal(pickNames(['a.ts', 'b.ts']), 'a.ts, b.ts');
    assert.equal(pickNames(['a.ts', 'b.ts', 'a.ts', 'c.ts']), 'a.ts, b.ts, c.ts');
    assert.equal(pickNames(['a', 'b', 'c', 'd']), 'a, b, c, d');
    assert.equal(pickNames(['a', 'b', 'c', 'd', 'e']), 'a, b, c +2 more');
    assert.equal(pickNames(Array.from({ length: 1234 }, (_, i) => `f${i}`)), 'f0, f1, f2 +1,231 more');
  });

  it('a step that wrote 40 files, and the rewind that took them back', async () => {
    const s = await commandSession(['printf 1 > one.txt', 'for i in $(seq 1 40); do printf x > f$i.txt; done'], { keep });
    const steps = stepChoices(await loadFileHistory(s.h.store, s.id));
    const first = steps.find((c) => c.step === 1);
    const last = steps.find((c) => c.step === 2);
    assert.equal(first && stepPickDescription(first), 'one.txt');
    assert.match((last && stepPickDescription(last)) ?? '', /^f\d+\.txt, f\d+\.txt, f\d+\.txt \+37 more$/);
    assert.equal(stepPickDescription({ step: 3, calls: [], files: [] }), 'no file changed');
    await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 1));
    const [r] = await listRewinds(s.h.store, s.id);
    assert.ok(r);
    assert.match(rewindPickDetail(r), /^f\d+\.txt, f\d+\.txt, f\d+\.txt \+37 more$/);
    assert.equal(rewindPickDetail({ ...r, left: r.files.slice(0, 5) }), `${pickNames(r.files.slice(0, 5))} (the rest given back already)`);
  });
});
