import assert from 'node:assert/strict';
import { costOf } from '../../../src/core/model/models';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedGate, harnessPerTest } from './runnerHarness';

/** A read of a.txt billed 200,000 input tokens. */
const bigRead = (id: string): StepInput => ({ type: 'message', content: [{ type: 'tool_use', id, name: 'read_file', input: { path: 'a.txt' } }], usage: { input_tokens: 200_000, output_tokens: 1_000 } });

describe('the cost budget with a model whose price Savepoint does not know', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('still stops and asks: the turns are priced at an upper bound, not at $0', async () => {
    const h = await harness([bigRead('r1'), bigRead('r2'), bigRead('r3'), { type: 'message', content: [{ type: 'text', text: 'done' }] }], { 'a.txt': 'a\n' });
    const gate = new ScriptedGate((r) => (r.kind === 'budget' ? 'park' : { decision: 'approve' }));
    const runner = h.runner(gate);
    const id = await runner.start({ task: 'read a.txt', models: ['claude-opus-6'], budgets: { maxCostUsd: 1 } });
    const out = await runner.run(id);
    assert.equal(out.status, 'waiting', `the session ran on to ${out.status} with a $1 budget`);
    assert.deepEqual(gate.asked.map((a) => a.kind), ['budget']);
    assert.match(gate.asked[0]?.reasons[0] ?? '', /cost budget used/);
    assert.equal(h.server.requestCount(), 1);
  });

  it('prices current models as the API does, and an unknown one of a family at that family\'s dearest', () => {
    const usage = { input: 1_000_000, output: 1_000_000, cacheRead: 0, cacheWrite: 0 };
    assert.equal(costOf('claude-opus-4-6', usage), 30, 'Opus 4.6: $5 / $25');
    assert.equal(costOf('claude-opus-4-1', usage), 90, 'Opus 4.1: $15 / $75');
    assert.ok(costOf('claude-sonnet-9', usage) >= 18, 'an unknown Sonnet: at least the dearest Sonnet');
    assert.ok(costOf('some-proxy-model', usage) >= 90, 'an unknown model: the dearest price known');
  });
});
