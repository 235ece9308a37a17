import assert from 'node:assert/strict';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from './runnerHarness';

/** The text of a recorded request's last user message. */
function lastUserText(body: unknown): string {
  const messages = (body as { messages: { role: string; content: unknown }[] }).messages;
  return JSON.stringify([...messages].reverse().find((m) => m.role === 'user')?.content ?? '');
}

/**
 * The API sometimes ends a turn (`end_turn`) with no content at all, or with an empty text block,
 * mostly right after tool results. The session then completed with no final answer: the user saw
 * "completed" and nothing of what was done; an empty text block in the history would have made every
 * later request fail (the API refuses them). Now the model is asked once to finish, with its answer
 * or its next step; a second empty turn completes the session and says the answer is missing.
 */
describe('a turn that ends with no answer at all', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();
  const read = toolUse('c1', 'read_file', { path: 'a.txt' });

  for (const [name, empty] of [['no content', []], ['an empty text block', [{ type: 'text' as const, text: '' }]]] as const) {
    it(`${name} after a tool result: the model is asked to finish, and its answer ends the session`, async () => {
      const h = await harness([read, { type: 'message', content: [...empty], expect: { toolResultFor: 'c1' } }, finalText('Done: a.txt says hello.')], { 'a.txt': 'hello\n' });
      const runner = h.runner(new ScriptedGate());
      const id = await h.start(runner);
      const out = await runner.run(id);
      assert.equal(out.status, 'completed');
      assert.equal(out.reason, undefined);
      assert.equal(h.server.requests().length, 3, 'one more request, for the answer');
      assert.match(lastUserText(h.server.requests()[2]?.body), /Your last turn ended without any text or tool call/);
      assert.deepEqual(h.server.violations(), []);
      const asked = (await h.events(id)).filter((e) => e.type === 'message_added' && e.data.reason !== 'tool_results');
      assert.deepEqual(asked.map((e) => e.type === 'message_added' && e.data.reason), ['no_answer'], 'the timeline says why the model was asked, not "the answer was cut short"');
    });
  }

  it('empty twice in a row: the session completes and says the model gave no final answer', async () => {
    const h = await harness([read, { type: 'message', content: [], expect: { toolResultFor: 'c1' } }, { type: 'message', content: [] }], { 'a.txt': 'hello\n' });
    const runner = h.runner(new ScriptedGate());
    const out = await runner.run(await h.start(runner));
    assert.equal(out.status, 'completed');
    assert.match(out.reason ?? '', /^the model ended its turn without any answer, also when asked to go on, so the session has no final answer; its timeline shows what was done$/);
    assert.deepEqual(h.server.violations(), []);
  });
});
