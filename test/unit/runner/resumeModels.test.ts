import assert from 'node:assert/strict';
import { errorStep } from '../../../src/core/scripted/scenario';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import { finalText, harnessPerTest } from './runnerHarness';

const TYPO = 'claude-sonet-4-6';
const RIGHT = 'claude-sonnet-4-6';

describe('a session stopped by a model name the API does not know', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('goes on with the model the user corrected when it is resumed, and the change is journaled once', async () => {
    const h = await harness([errorStep(404, { model: TYPO, times: 'always', message: `model: ${TYPO}` }), { ...finalText('Done.'), model: RIGHT }]);
    const runner = h.runner();
    const id = await runner.start({ task: 'do the task', models: [TYPO] });
    const failed = await runner.run(id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.reason ?? '', /not found \(404: model: claude-sonet-4-6\): check the model name/);

    const resumed = await runner.run(id, new AbortController().signal, { models: [RIGHT] });
    assert.equal(resumed.status, 'completed', resumed.reason);
    assert.deepEqual(h.server.requests().map((q) => q.model), [TYPO, RIGHT]);
    const changes = (await h.events(id)).flatMap((e) => (e.type === 'models_changed' ? [e.data] : []));
    assert.deepEqual(changes, [{ models: [RIGHT], from: [TYPO] }]);
    assert.deepEqual((await SessionJournal.open(h.store, id)).state.models, [RIGHT]);

    // The same models again: nothing to journal.
    await runner.run(id, new AbortController().signal, { models: [RIGHT] });
    assert.equal((await h.events(id)).filter((e) => e.type === 'models_changed').length, 1);
  });

  it('keeps the models it was started with when the resume names none', async () => {
    const h = await harness([errorStep(529, { times: 'always' })]);
    const runner = h.runner();
    const id = await runner.start({ task: 'do the task', models: [RIGHT] });
    await runner.run(id, new AbortController().signal, {});
    assert.deepEqual((await SessionJournal.open(h.store, id)).state.models, [RIGHT]);
    assert.equal((await h.events(id)).filter((e) => (e.type as string) === 'models_changed').length, 0);
  });
});
