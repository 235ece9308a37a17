import assert from 'node:assert/strict';
import { describeEvent } from '../../../src/core/runner/timeline';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { finalText, harnessPerTest } from './runnerHarness';

/** An answer that filled what was left of the model's context window (not its output limit). */
const windowFull = (content: Extract<StepInput, { type: 'message' }>['content'], expect?: StepInput['expect']): StepInput => ({ type: 'message', stop_reason: 'model_context_window_exceeded', content, ...(expect ? { expect } : {}) });

describe('an answer cut because the context window was full says so (not max_tokens)', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('a call whose input the full window cut: the model and the timeline read that the context window was full', async () => {
    const cut = windowFull([{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.txt', content: 'x' }, inputJson: '{"path": "a.txt", "content": "the first li' }]);
    const h = await harness([cut, finalText('done', { toolResultFor: 'w1', toolResultIsError: true, lastUserContains: 'context window' })]);
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const result = (await h.events(id)).find((e) => e.type === 'tool_result');
    assert.ok(result?.type === 'tool_result');
    assert.doesNotMatch(result.data.content, /max_tokens|output limit/);
    assert.match(describeEvent(result), /ERROR write_file: Not run: .*context window was full/);
  });

  it('a text answer cut by the full window again and again: the session says the window was full and what the user can do', async () => {
    const text = (t: string) => windowFull([{ type: 'text', text: t }]);
    const h = await harness([text('part 1'), text('part 2'), text('part 3'), text('part 4'), finalText('never asked for')]);
    const runner = h.runner();
    const end = await runner.run(await h.start(runner));
    assert.equal(end.status, 'completed');
    assert.match(end.reason ?? '', /incomplete.*context window was full.*4 times/);
    assert.doesNotMatch(end.reason ?? '', /max_tokens|maximum output tokens/);
    assert.match(end.reason ?? '', /compact|new session/);
  });
});
