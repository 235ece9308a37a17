import assert from 'node:assert/strict';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { messageMissing } from '../../../src/core/checkpoints/rewindWords';
import type { Harness } from '../runner/runnerHarness';
import { builtSession } from './checkpointHarness';

/**
 * A conversation rewind to the step that ended the session needs to be told what the new session
 * does from there. Without it, the editor showed the preview, asked to confirm and which edited files
 * to overwrite, and only then refused ('a fork from it needs a message to continue with'). The plan
 * tells it first (`conversation.ended`): the refusal comes before any question, and says what to do.
 */
describe('a conversation rewind to the step that ended the session', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('without a message: refused before the preview, saying what to do; with one, or to an earlier step, not', async () => {
    const b = await builtSession();
    h = b.h;
    const last = await planRewind(h.store, b.ws, b.id, 4, { mode: 'both' });
    assert.equal(messageMissing(last, '  '), 'step 4 ended the session, so the new session needs to be told what to do from there: rewind again and say it when asked "What should the new session do from there?". Nothing was changed.');
    assert.equal(messageMissing(last, 'add a test'), undefined);
    assert.equal(messageMissing(await planRewind(h.store, b.ws, b.id, 2, { mode: 'conversation' }), ''), undefined);
    assert.equal(messageMissing(await planRewind(h.store, b.ws, b.id, 4, { mode: 'files' }), ''), undefined, 'a files-only rewind makes no new session');
  });
});
