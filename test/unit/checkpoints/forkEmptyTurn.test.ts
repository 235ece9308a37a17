import assert from 'node:assert/strict';
import { forkSession } from '../../../src/core/checkpoints/fork';
import type { LlmClient, LlmRequest, LlmResponse } from '../../../src/core/model/llmClient';
import type { ContentBlock } from '../../../src/core/model/types';
import { ScriptedGate, harness, type Harness } from '../runner/runnerHarness';

/** A model that answers from a list and keeps every request it was sent. */
function recordingModel(answers: ContentBlock[][]): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    requests,
    async complete(request: LlmRequest): Promise<LlmResponse> {
      requests.push({ ...request, messages: JSON.parse(JSON.stringify(request.messages)) });
      const content = answers.shift() ?? [{ type: 'text', text: 'ok' }];
      const calls = content.some((b) => b.type === 'tool_use');
      return { content, stopReason: calls ? 'tool_use' : 'end_turn', usage: { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 }, model: request.models[0] as string, costUsd: 0, attempts: 1 };
    },
  };
}

describe('a fork from a final step the model ended without content', function () {
  this.timeout(60000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a fork (with a message) from a session whose last turn was an empty end_turn sends no empty assistant message', async () => {
    h = await harness([], { 'a.txt': 'a\n' });
    // Turn 1 reads a file; turn 2 is the empty end_turn the API does return after tool results.
    const source = recordingModel([[{ type: 'tool_use', id: 'r1', name: 'read_file', input: { path: 'a.txt' } }], []]);
    const runner = h.runner(new ScriptedGate(), { llm: source });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');

    const fork = await forkSession(h.store, id, 2, { message: 'now also write b.txt' });
    const model = recordingModel([[{ type: 'text', text: 'done' }]]);
    assert.equal((await h.runner(new ScriptedGate(), { llm: model }).run(fork.id)).status, 'completed');
    const sent = model.requests[0]?.messages ?? [];
    // The Messages API answers 400 "messages.N: all messages must have non-empty content except for
    // the optional final assistant message": every later request of the fork would fail the same way.
    const empty = sent.flatMap((m, i) => ((typeof m.content === 'string' ? m.content === '' : m.content.length === 0) && i < sent.length - 1 ? [`messages.${i} (${m.role})`] : []));
    assert.deepEqual(empty, [], 'no message before the last may be empty');
  });
});
