import assert from 'node:assert/strict';
import { CheckpointError } from '../../../src/core/checkpoints/checkpointEvents';
import { forkSession } from '../../../src/core/checkpoints/fork';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import { stepOutlines } from '../../../src/core/checkpoints/stepOutlines';
import type { Harness } from '../runner/runnerHarness';
import { builtSession } from './checkpointHarness';

/**
 * A step the session does not have is refused by every reader of checkpoints with the same words,
 * instead of an answer about another step (a fork of step 99 forked the last step; the outline of a
 * file "at the end of step 9" showed step 2's; the diff of step 9 said it changed no file).
 */
describe('a step that is not in the session', function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const notInSession = (step: number) => (e: unknown) => CheckpointError.is(e, 'INVALID') && e.message.includes(`step ${step} is not in session`) && /\(steps 0\.\.4\)/.test(e.message);

  it('is refused by the diff, the outline, the fork and the rewind, and a step the session has is not', async () => {
    const b = await builtSession();
    h = b.h;
    const before = await h.events(b.id);
    for (const step of [5, 99, -1, 1.5]) {
      await assert.rejects(stepDiffs(h.store, b.id, { step }), notInSession(step), `diff of step ${step}`);
      await assert.rejects(stepOutlines(h.store, b.id, step), notInSession(step), `outline of step ${step}`);
      await assert.rejects(stepOutlines(h.store, b.id, step, 'src/a.ts'), notInSession(step), `outline of src/a.ts at step ${step}`);
      await assert.rejects(forkSession(h.store, b.id, step, { message: 'go on' }), notInSession(step), `fork at step ${step}`);
      await assert.rejects(planRewind(h.store, b.ws, b.id, step), notInSession(step), `rewind to step ${step}`);
    }
    assert.deepEqual(await h.events(b.id), before, 'nothing was written');
    assert.equal((await h.store.listSessions()).sessions.length, 1, 'no fork was made');

    // The steps the session has still answer, the last one included.
    assert.ok((await stepDiffs(h.store, b.id, { step: 2 })).some((d) => d.path === 'src/a.ts'));
    assert.deepEqual(await stepDiffs(h.store, b.id, { step: 4 }), []);
    // This harness records no outlines: the answer is about the file at step 4, not about the step.
    await assert.rejects(stepOutlines(h.store, b.id, 4, 'src/a.ts'), /no outline of src\/a\.ts as it was at the end of step 4/);
    assert.equal((await forkSession(h.store, b.id, 4, { message: 'go on' })).parent?.step, 4);
  });
});
