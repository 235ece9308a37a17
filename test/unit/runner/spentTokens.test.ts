import assert from 'node:assert/strict';
import type { ModelSpentData, ModelTurnData } from '../../../src/core/runner/runEvents';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import { textStep } from '../../../src/core/scripted/scenario';
import type { Harness } from './runnerHarness';
import { harnessPerTest } from './runnerHarness';

const USAGE = { input_tokens: 1000, output_tokens: 50 };
const counters = async (h: Harness, id: string) => (await SessionJournal.open(h.store, id as never)).state.counters;
const spentRecords = async (h: Harness, id: string): Promise<ModelSpentData[]> => (await h.events(id as never)).flatMap((e) => (e.type === 'model_spent' ? [e.data] : []));

describe('tokens billed for model attempts whose answer was not used count against the budgets', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('a stream cut after message_start and retried: its input is counted with the turn that answered', async () => {
    const h = await harness([textStep('half an answer', { usage: USAGE, cut: { afterEvents: 4 } }), textStep('the whole answer', { usage: USAGE })]);
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const turn = (await h.events(id)).flatMap((e) => (e.type === 'model_turn' ? [e.data as ModelTurnData] : []))[0];
    assert.deepEqual(turn?.spent?.usage, { input: 1000, output: 1, cacheRead: 0, cacheWrite: 0 }, 'message_start reports the input and one output token');
    const c = await counters(h, id);
    assert.equal(c.tokens, 1050 + 1001);
    // sonnet-4: $3 / $15 per million tokens.
    assert.ok(Math.abs(c.costUsd - (2000 * 3 + 51 * 15) / 1e6) < 1e-12);
  });

  it('a turn that fails after all its retries: what each attempt was billed is journaled with the failure', async () => {
    const h = await harness([textStep('never whole', { usage: USAGE, cut: { afterEvents: 4 }, times: 'always' })]);
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'failed');
    const attempts = h.server.requestCount();
    assert.ok(attempts > 1);
    assert.deepEqual((await spentRecords(h, id)).map((r) => [r.why, r.usage.input]), [['failed', 1000 * attempts]]);
    assert.equal((await counters(h, id)).tokens, 1001 * attempts);
  });

  it('a turn cancelled mid-stream: what it was billed so far is journaled with the pause', async () => {
    const h = await harness([textStep('an answer the user does not wait for', { usage: USAGE, stall: { afterEvents: 4 } })]);
    const ac = new AbortController();
    const runner = h.runner(undefined, { onEvent: (n) => n.type === 'model' && n.event.type === 'text' && ac.abort('paused by the user') });
    const id = await h.start(runner);
    assert.equal((await runner.run(id, ac.signal)).status, 'paused');
    assert.deepEqual((await spentRecords(h, id)).map((r) => [r.why, r.usage.input, r.usage.output]), [['cancelled', 1000, 1]]);
    assert.equal((await counters(h, id)).tokens, 1001);
  });
});
