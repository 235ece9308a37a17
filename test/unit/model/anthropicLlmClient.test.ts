import assert from 'node:assert/strict';
import { type AnthropicClientOptions, AnthropicLlmClient } from '../../../src/core/model/anthropicLlmClient';
import type { LlmEvent, LlmRequest } from '../../../src/core/model/llmClient';
import { ModelError } from '../../../src/core/model/modelError';
import type { ModelPolicyOptions } from '../../../src/core/model/modelPolicy';
import type { Message } from '../../../src/core/model/types';
import { errorStep, textStep, toolStep } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { invalidToolInput } from '../../../src/core/model/toolInputRepair';

const PRIMARY = 'claude-sonnet-4-6';
const FALLBACK = 'claude-haiku-4-6';
const TOOLS = [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }];
/** Short backoff so retries take milliseconds; retry-after still sets the floor. */
const FAST: ModelPolicyOptions = { initialDelayMs: 5, maxDelayMs: 2_000 };

const request = (messages: Message[], extra: Partial<LlmRequest> = {}): LlmRequest => ({
  models: [PRIMARY],
  system: 'You are careful.',
  messages,
  tools: TOOLS,
  maxTokens: 1024,
  ...extra,
});
const first: Message[] = [{ role: 'user', content: 'What does README.md say?' }];

describe('AnthropicLlmClient against the scripted model server', () => {
  let server: ScriptedModelServer | undefined;
  const client = (policy: ModelPolicyOptions = FAST, extra: Partial<AnthropicClientOptions> = {}) => new AnthropicLlmClient({ apiKey: 'test', baseURL: server?.url ?? '', policy, ...extra });
  const collect = () => {
    const events: LlmEvent[] = [];
    return { events, on: (e: LlmEvent) => events.push(e) };
  };
  afterEach(async () => {
    if (server) assert.deepEqual(server.violations(), [], 'the client sent only requests the real API accepts');
    await server?.close();
    server = undefined;
  });

  it('completes a text + tool_use turn with usage and cost, then the turn with the tool result', async () => {
    server = await ScriptedModelServer.start([
      toolStep([{ id: 'toolu_1', name: 'read_file', input: { path: 'README.md' } }], {
        text: 'Reading it.',
        usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 2000, cache_creation_input_tokens: 400 },
        expect: { systemContains: 'careful', messageCount: 1, toolsInclude: ['read_file'] },
      }),
      textStep('It describes Savepoint.', { expect: { toolResultFor: 'toolu_1', toolResultIsError: false, messageCount: 3 } }),
    ]);
    const c = client();
    const { events, on } = collect();
    const r1 = await c.complete(request(first), on);
    assert.deepEqual(r1.content, [
      { type: 'text', text: 'Reading it.' },
      { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'README.md' } },
    ]);
    assert.equal(r1.stopReason, 'tool_use');
    assert.deepEqual(r1.usage, { input: 1000, output: 100, cacheRead: 2000, cacheWrite: 400 });
    // sonnet-4: $3 / $15 per MTok; cache writes 1.25x, reads 0.1x input.
    assert.ok(Math.abs(r1.costUsd - ((1000 + 400 * 1.25 + 2000 * 0.1) * 3 + 100 * 15) / 1e6) < 1e-12);
    assert.equal(r1.attempts, 1);
    assert.equal(r1.model, PRIMARY);
    assert.equal(r1.requestId, 'req_scripted_0');
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.delta : '')).join(''), 'Reading it.');
    assert.deepEqual(events.filter((e) => e.type === 'tool_input').at(-1), { type: 'tool_input', toolUseId: 'toolu_1', name: 'read_file', partial: { path: 'README.md' } });

    const messages: Message[] = [...first, { role: 'assistant', content: r1.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '# Savepoint' }] }];
    const r2 = await c.complete(request(messages));
    assert.deepEqual(r2.content, [{ type: 'text', text: 'It describes Savepoint.' }]);
    assert.equal(r2.stopReason, 'end_turn');
    assert.deepEqual(server.duplicateTurns(), []);
  });

  it('honours retry-after on 429, then succeeds (attempts = 2)', async () => {
    server = await ScriptedModelServer.start([errorStep(429, { retryAfter: 0.2 }), textStep('done')]);
    const { events, on } = collect();
    const r = await client().complete(request(first), on);
    assert.equal(r.attempts, 2);
    assert.deepEqual(r.content, [{ type: 'text', text: 'done' }]);
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry?.type === 'retry');
    assert.equal(retry.code, 'RATE_LIMITED');
    assert.ok(retry.delayMs >= 200, `waited ${retry.delayMs} ms`);
    assert.equal(server.requestCount(), 2);
  });

  it('honours a retry-after longer than the backoff cap: trying sooner would only be refused again', async () => {
    server = await ScriptedModelServer.start([errorStep(429, { retryAfter: 0.3 }), textStep('done')]);
    const { events, on } = collect();
    const r = await client({ initialDelayMs: 5, maxDelayMs: 40 }).complete(request(first), on);
    assert.equal(r.attempts, 2);
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry?.type === 'retry' && retry.delayMs >= 300, `waited ${retry?.type === 'retry' ? retry.delayMs : '?'} ms`);
  });

  it('waits out a 529 storm longer than the breaker threshold when there is no fallback model to fail over to', async () => {
    server = await ScriptedModelServer.start([...Array.from({ length: 6 }, () => errorStep(529)), textStep('after the storm')]);
    const { events, on } = collect();
    const r = await client({ ...FAST, breakerThreshold: 3 }).complete(request(first), on);
    assert.deepEqual(r.content, [{ type: 'text', text: 'after the storm' }]);
    assert.equal(r.attempts, 7);
    assert.ok(!events.some((e) => e.type === 'breaker'), 'no circuit to open: nothing to fail over to');
  });

  it('retries a stream cut mid-message and returns the whole message', async () => {
    const text = 'A long answer that the connection drops half way through.';
    server = await ScriptedModelServer.start([textStep(text, { cut: { afterEvents: 4 } }), textStep(text)]);
    const { events, on } = collect();
    const r = await client().complete(request(first), on);
    assert.deepEqual(r.content, [{ type: 'text', text }]);
    assert.equal(r.attempts, 2);
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'retry' ? [e.code] : [])),
      ['STREAM_INTERRUPTED'],
    );
    assert.deepEqual(
      server.requests().map((q) => q.outcome),
      ['cut', 'message'],
    );
  });

  it('takes a lone backslash in a tool input (a PHP namespace, a regex) as the backslash it is, instead of retrying the answer as a broken stream', async () => {
    // The model writes `App\Http` and `\d+` with one backslash: not valid JSON escapes. The SDK's
    // parse of the input threw at the block's end, every attempt alike: ten billed attempts, then a failed turn.
    const inputJson = String.raw`{"path": "app/Kernel.php", "old_text": "use App\Http\Middleware;\n", "new_text": "x = /\d+\s\\/;\t\"q\"\u00e9"}`;
    const input = { path: 'app/Kernel.php', old_text: 'use App\\Http\\Middleware;\n', new_text: 'x = /\\d+\\s\\/;\t"q"é' };
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'toolu_1', name: 'edit_file', input, inputJson }] },
      textStep('unused'),
    ]);
    const { events, on } = collect();
    const r = await client().complete(request(first), on);
    assert.deepEqual(r.content, [{ type: 'tool_use', id: 'toolu_1', name: 'edit_file', input }]);
    assert.equal(r.attempts, 1);
    assert.deepEqual(events.filter((e) => e.type === 'retry'), []);
    assert.deepEqual(events.filter((e) => e.type === 'tool_input').at(-1), { type: 'tool_input', toolUseId: 'toolu_1', name: 'edit_file', partial: input });
    assert.equal(server.requestCount(), 1);
  });

  it('answers a tool input that is not JSON even once repaired (a missing comma) as unreadable, in one attempt, instead of retrying the answer as a broken stream', async () => {
    const inputJson = '{"path": "a.txt" "content": "x"}';
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'text', text: 'Writing it.' }, { type: 'tool_use', id: 'toolu_1', name: 'write_file', input: { path: 'a.txt', content: 'x' }, inputJson }] },
      textStep('unused'),
    ]);
    const { events, on } = collect();
    const r = await client().complete(request(first), on);
    assert.equal(r.attempts, 1);
    assert.deepEqual(events.filter((e) => e.type === 'retry'), []);
    assert.equal(server.requestCount(), 1);
    assert.deepEqual(r.content[0], { type: 'text', text: 'Writing it.' });
    const call = r.content[1];
    assert.equal(call?.type, 'tool_use');
    const unreadable = invalidToolInput(call?.type === 'tool_use' ? call.input : undefined);
    assert.equal(unreadable?.json, inputJson, 'the JSON as the model wrote it');
    assert.match(unreadable?.error ?? '', /JSON/);
  });

  it('abandons a stream that stalls (headers and a few events, then nothing) after the idle limit, and retries it', async function () {
    // Without an idle limit the stalled attempt would wait for the test's timeout.
    this.timeout(20_000);
    const text = 'An answer whose stream goes quiet half way through.';
    server = await ScriptedModelServer.start([textStep(text, { stall: { afterEvents: 3 } }), textStep(text, { stall: { afterEvents: 0 } }), textStep(text)]);
    const { events, on } = collect();
    const r = await client(FAST, { streamIdleMs: 300 }).complete(request(first), on);
    assert.deepEqual(r.content, [{ type: 'text', text }]);
    assert.equal(r.attempts, 3);
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'retry' ? [e.code] : [])),
      ['STALLED', 'STALLED'],
    );
    assert.deepEqual(
      server.requests().map((q) => q.outcome),
      ['stalled', 'stalled', 'message'],
    );
  });

  it('a cancel while the stream is stalled rejects at once with ABORTED and closes the request', async function () {
    this.timeout(20_000);
    server = await ScriptedModelServer.start([textStep('never finished', { stall: { afterEvents: 4 } })]);
    const ac = new AbortController();
    const e = await client(FAST, { streamIdleMs: 600_000 })
      .complete(request(first, { signal: ac.signal }), (ev) => {
        if (ev.type === 'text') ac.abort();
      })
      .catch((x: unknown) => x);
    assert.ok(ModelError.is(e, 'ABORTED'), String(e));
    assert.equal(server.requestCount(), 1);
  });

  it('retries a stream that ends cleanly without message_stop instead of returning half a message', async () => {
    const text = 'A long answer whose stream simply ends early.';
    server = await ScriptedModelServer.start([textStep(text, { cut: { afterEvents: 4, mode: 'end' } }), textStep(text)]);
    const r = await client().complete(request(first));
    assert.deepEqual(r.content, [{ type: 'text', text }]);
    assert.equal(r.attempts, 2);
  });

  it('retries error events mid-stream: overloaded_error as OVERLOADED, others as STREAM_INTERRUPTED', async () => {
    server = await ScriptedModelServer.start([
      textStep('partial', { streamError: { afterEvents: 3 } }),
      textStep('partial', { streamError: { afterEvents: 3, errorType: 'api_error', message: 'Internal server error' } }),
      textStep('whole'),
    ]);
    const { events, on } = collect();
    const r = await client().complete(request(first), on);
    assert.deepEqual(r.content, [{ type: 'text', text: 'whole' }]);
    assert.equal(r.attempts, 3);
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'retry' ? [e.code] : [])),
      ['OVERLOADED', 'STREAM_INTERRUPTED'],
    );
  });

  it('counts mid-stream overloaded_error events toward the breaker, so the primary is skipped afterwards', async () => {
    server = await ScriptedModelServer.start([
      textStep('never whole', { model: PRIMARY, times: 'always', streamError: { afterEvents: 2 } }),
      textStep('from the fallback', { model: FALLBACK, times: 'always' }),
    ]);
    const c = client({ ...FAST, breakerThreshold: 2 });
    const r = await c.complete(request(first, { models: [PRIMARY, FALLBACK] }));
    assert.equal(r.model, FALLBACK);
    await c.complete(request(first, { models: [PRIMARY, FALLBACK] }));
    assert.equal(server.requests().filter((q) => q.model === PRIMARY).length, 2);
  });

  it('opens the breaker on repeated 529s and falls back to the second model', async () => {
    server = await ScriptedModelServer.start([errorStep(529, { model: PRIMARY, times: 'always' }), textStep('from the fallback', { model: FALLBACK, times: 2 })]);
    const c = client({ ...FAST, breakerThreshold: 2, maxAttempts: 5 });
    const { events, on } = collect();
    const r = await c.complete(request(first, { models: [PRIMARY, FALLBACK] }), on);
    assert.equal(r.model, FALLBACK);
    assert.deepEqual(r.content, [{ type: 'text', text: 'from the fallback' }]);
    assert.ok(events.some((e) => e.type === 'breaker' && e.model === PRIMARY && e.state === 'open'));
    assert.ok(events.some((e) => e.type === 'fallback' && e.from === PRIMARY && e.to === FALLBACK));
    const primaryCalls = () => server?.requests().filter((q) => q.model === PRIMARY).length;
    assert.equal(primaryCalls(), 2);
    // While the circuit is open the primary is skipped without a request.
    const again = collect();
    const r2 = await c.complete(request(first, { models: [PRIMARY, FALLBACK] }), again.on);
    assert.equal(r2.model, FALLBACK);
    assert.equal(primaryCalls(), 2);
    assert.equal(again.events[0]?.type, 'fallback');
  });

  it('does not retry a 400 (BAD_REQUEST)', async () => {
    server = await ScriptedModelServer.start([errorStep(400, { message: 'messages.0.content: field required' }), textStep('unused')]);
    const e = await client()
      .complete(request(first))
      .catch((x: unknown) => x);
    assert.ok(ModelError.is(e, 'BAD_REQUEST'), String(e));
    assert.equal(e.details.status, 400);
    assert.equal(server.requestCount(), 1);
  });

  it('tells a request over the context window (CONTEXT_OVERFLOW) from other 400s, and does not retry it', async () => {
    server = await ScriptedModelServer.start([
      errorStep(400, { message: 'prompt is too long: 210000 tokens > 200000 maximum' }),
      errorStep(400, { message: 'input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again' }),
      textStep('unused'),
    ]);
    for (const n of [1, 2]) {
      const e = await client()
        .complete(request(first))
        .catch((x: unknown) => x);
      assert.ok(ModelError.is(e, 'CONTEXT_OVERFLOW'), String(e));
      assert.equal(server.requestCount(), n);
    }
  });

  it('rejects with ABORTED when the signal aborts mid-request', async () => {
    server = await ScriptedModelServer.start([textStep('slow', { delayMs: 10_000 })]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await client()
      .complete(request(first, { signal: ac.signal }))
      .catch((x: unknown) => x);
    assert.ok(ModelError.is(e, 'ABORTED'), String(e));
  });

  it('rejects with ABORTED when the signal aborts during a retry wait', async () => {
    // A 5-minute retry-after: without an abortable wait this test would time out.
    server = await ScriptedModelServer.start([errorStep(429, { retryAfter: 300 }), textStep('unused')]);
    const ac = new AbortController();
    const e = await client({ ...FAST, maxDelayMs: 600_000 })
      .complete(request(first, { signal: ac.signal }), (ev) => {
        if (ev.type === 'retry') setTimeout(() => ac.abort(), 20);
      })
      .catch((x: unknown) => x);
    assert.ok(ModelError.is(e, 'ABORTED'), String(e));
    assert.equal(server.requestCount(), 1);
  });
});
