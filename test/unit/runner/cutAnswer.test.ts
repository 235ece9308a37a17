import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { cutAnswerEnd } from '../../../src/core/runner/cutAnswer';
import type { ModelTurnData } from '../../../src/core/runner/runEvents';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, type Harness } from './runnerHarness';

/** A plain text answer that max_tokens ended before it was done. */
const cutText = (text: string, expect?: StepInput['expect']): StepInput => ({ type: 'message', stop_reason: 'max_tokens', content: [{ type: 'text', text }], ...(expect ? { expect } : {}) });

const turns = async (h: Harness, id: string): Promise<ModelTurnData[]> => (await h.events(id as never)).flatMap((e) => (e.type === 'model_turn' ? [e.data] : []));

describe('a text answer cut by max_tokens is not the final answer', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('the model is asked to continue it, and the session completes with the rest of the answer', async () => {
    const h = await harness([cutText('The plan has three parts. First, the parser'), finalText(' then the checker, then the tests.', { lastUserContains: 'max_tokens 8192' })]);
    const runner = h.runner();
    const id = await h.start(runner);
    const end = await runner.run(id);
    assert.equal(end.status, 'completed', end.reason);
    assert.equal(end.reason, undefined);
    assert.deepEqual(h.server.violations(), []);
    assert.equal(h.server.requestCount(), 2, 'the cut answer was followed by a request to continue it');
    assert.deepEqual((await turns(h, id)).map((t) => [t.stopReason, t.continues ?? false]), [['max_tokens', true], ['end_turn', false]]);
    const added = (await h.events(id)).flatMap((e) => (e.type === 'message_added' ? [e.data.reason] : []));
    assert.deepEqual(added, ['continue']);
  });

  it('cut again and again, it is continued a bounded number of times; then the session completes and says the answer is incomplete', async () => {
    const h = await harness([cutText('part 1'), cutText('part 2'), cutText('part 3'), cutText('part 4'), finalText('never asked for')]);
    const runner = h.runner();
    const id = await h.start(runner);
    const end = await runner.run(id);
    assert.equal(end.status, 'completed');
    assert.match(end.reason ?? '', /incomplete.*max_tokens 8192.*4 times/);
    assert.equal(h.server.requestCount(), 4);
    const s = (await SessionJournal.open(h.store, id)).state;
    assert.equal(s.status, 'completed');
    assert.match(s.statusReason ?? '', /incomplete/);
  });

  it('paused by the API (pause_turn) again and again: the incomplete answer says so, and does not ask for more output tokens', async () => {
    const paused = (text: string): StepInput => ({ type: 'message', stop_reason: 'pause_turn', content: [{ type: 'text', text }] });
    const h = await harness([paused('searching 1'), paused('searching 2'), paused('searching 3'), paused('searching 4'), finalText('never asked for')]);
    const runner = h.runner();
    const end = await runner.run(await h.start(runner));
    assert.equal(end.status, 'completed');
    assert.equal(h.server.requestCount(), 4);
    assert.match(end.reason ?? '', /incomplete: it was paused by the API \(pause_turn\) 4 times in a row and was continued 3 times/);
    assert.doesNotMatch(end.reason ?? '', /output tokens|shorter answer/, end.reason);
    assert.match(end.reason ?? '', /savepoint\.maxContinuations.*--max-continuations/, end.reason);
    // max_tokens keeps its own advice.
    assert.match(cutAnswerEnd('max_tokens', 3, 8192)?.incomplete ?? '', /raise the maximum output tokens/);
  });

  it('an answer the model ends with a refusal does not complete the session: it stops and says why', async () => {
    const h = await harness([{ type: 'message', stop_reason: 'refusal', content: [{ type: 'text', text: 'I will not' }] }]);
    const runner = h.runner();
    const end = await runner.run(await h.start(runner));
    assert.equal(end.status, 'failed');
    assert.match(end.reason ?? '', /refusal.*not done/);
    assert.equal(h.server.requestCount(), 1);
  });

  it('an answer that filled the context window (model_context_window_exceeded) is cut too: its last call is never run', async () => {
    const cut: StepInput = {
      type: 'message',
      stop_reason: 'model_context_window_exceeded',
      content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.txt', content: 'x' }, inputJson: '{"path": "a.txt", "content": "the first li' }],
    };
    const h = await harness([cut, finalText('done', { toolResultFor: 'w1', toolResultIsError: true })]);
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    await assert.rejects(access(join(h.workspace, 'a.txt')), 'the half-written file was not written');
    assert.deepEqual((await turns(h, id))[0]?.calls, [{ id: 'w1', name: 'write_file', cut: true }]);
  });

  it('a crash right after the cut answer was journaled: the resumed run asks to continue once, and asks nothing twice', async () => {
    const h = await harness([cutText('The first half'), finalText(' and the second half.', { lastUserContains: 'Continue' })]);
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('after:model_turn') }).run(id), Crash);
    assert.equal((await h.runner().run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    assert.deepEqual(h.server.duplicateTurns(), []);
    assert.equal(h.server.requestCount(), 2);
    assert.equal((await h.events(id)).filter((e) => e.type === 'message_added').length, 1);
  });
});

describe('how many times a cut answer is continued is the runner’s maxContinuations (the setting), 3 by default', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  for (const max of [0, 1, 5]) {
    it(`maxContinuations ${max}: ${max} requests to continue, then the session completes and says the answer is incomplete`, async () => {
      const steps = Array.from({ length: max + 1 }, (_, i) => cutText(`part ${i + 1}`));
      const h = await harness([...steps, finalText('never asked for')]);
      const runner = h.runner(new ScriptedGate(), { maxContinuations: max });
      const end = await runner.run(await h.start(runner));
      assert.equal(end.status, 'completed');
      assert.match(end.reason ?? '', new RegExp(`incomplete.*${max + 1} times in a row and was continued ${max} times`));
      assert.equal(h.server.requestCount(), max + 1);
    });
  }
});
