import assert from 'node:assert/strict';
import { forkSession } from '../../../src/core/checkpoints/fork';
import { toRows } from '../../../src/core/runner/sessionRows';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedGate, harnessPerTest } from '../runner/runnerHarness';

/** A read of `<id>.txt` billed 20,000 input and 57,000 output tokens: $0.915 at Sonnet 4.6's $3 / $15. */
const bigRead = (id: string): StepInput => ({ type: 'message', content: [{ type: 'tool_use', id, name: 'read_file', input: { path: `${id}.txt` } }], usage: { input_tokens: 20_000, output_tokens: 57_000 } });
const FILES = Object.fromEntries(['r1', 'r2', 'r3', 'f1', 'f2', 'f3', 'f4'].map((n) => [`${n}.txt`, `${n}\n`]));
const done: StepInput = { type: 'message', content: [{ type: 'text', text: 'done' }] };

describe("a fork's budgets count the fork's own spending (real runner, real LevelDB)", function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('a fork taken after the parent spent most of its $3 budget runs its own turns without asking at once', async () => {
    const h = await harness([bigRead('r1'), bigRead('r2'), bigRead('r3'), done, bigRead('f1'), bigRead('f2'), done], FILES);
    const gate = new ScriptedGate((r) => (r.kind === 'budget' ? 'park' : { decision: 'approve' }));
    const runner = h.runner(gate);
    const id = await runner.start({ task: 'read a.txt', models: ['claude-sonnet-4-6'], budgets: { maxCostUsd: 3, maxSteps: 5 } });
    assert.equal((await runner.run(id)).status, 'completed');
    const parent = await h.store.getSession(id);
    assert.ok(parent && parent.costUsd > 2.7, `the parent spent $${parent?.costUsd}`);

    const fork = await forkSession(h.store, id, 3);
    assert.equal(fork.costUsd, 0, 'a fork has spent nothing of its own yet');
    assert.deepEqual(fork.tokens, { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    const out = await runner.run(fork.id);
    assert.deepEqual(gate.asked.map((a) => a.reasons.join('; ')), [], 'no budget question: the fork spent $1.83 of its own $3 and took 3 of its own 5 steps');
    assert.equal(out.status, 'completed', JSON.stringify(out));
  });

  it("the session list shows a fork's own spending, as its budgets count it: the parent's is not counted twice", async () => {
    const h = await harness([bigRead('r1'), bigRead('r2'), bigRead('r3'), done, bigRead('f1'), bigRead('f2'), done], FILES);
    const runner = h.runner(new ScriptedGate());
    const id = await runner.start({ task: 'read a.txt', models: ['claude-sonnet-4-6'] });
    assert.equal((await runner.run(id)).status, 'completed');
    assert.equal((await runner.run((await forkSession(h.store, id, 3)).id)).status, 'completed');
    const rows = toRows((await h.store.listSessions({})).sessions);
    const fork = rows.find((r) => r.forkOf);
    const parent = rows.find((r) => !r.forkOf);
    assert.ok(fork?.forkOf && parent && !parent.forkOf);
    // Parent: 3 big reads and a short answer (10 + 5 tokens each turn). Fork: 2 big reads and a short answer of its own.
    assert.equal(parent.costUsd.toFixed(6), (3 * 0.915 + 0.000105).toFixed(6));
    assert.equal(fork.costUsd.toFixed(6), (2 * 0.915 + 0.000105).toFixed(6), `the fork's own: $${fork.costUsd}`);
    assert.equal(fork.tokens, 2 * 77_000 + 15);
    assert.equal((parent.costUsd + fork.costUsd).toFixed(2), '4.58', 'the two rows add up to what was billed');
  });

  it("a fork's budget still stops the fork once its own spending reaches it, and says it counts the fork's own", async () => {
    const h = await harness([bigRead('r1'), bigRead('r2'), done, bigRead('f1'), bigRead('f2'), bigRead('f3'), bigRead('f4'), done], FILES);
    const gate = new ScriptedGate((r) => (r.kind === 'budget' ? 'park' : { decision: 'approve' }));
    const runner = h.runner(gate);
    const id = await runner.start({ task: 'read a.txt', models: ['claude-sonnet-4-6'], budgets: { maxCostUsd: 2.5 } });
    assert.equal((await runner.run(id)).status, 'completed');
    const fork = await forkSession(h.store, id, 2);
    const out = await runner.run(fork.id);
    assert.equal(out.status, 'waiting');
    assert.equal(gate.asked.length, 1);
    assert.equal(h.server.requestCount(), 6, 'the parent\'s 3 requests and 3 of the fork\'s own');
    assert.match(gate.asked[0]?.reasons[0] ?? '', /^cost budget used: \$2\.75 of \$2\.50 in this fork/);
  });
});
