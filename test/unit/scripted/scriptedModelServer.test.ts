import assert from 'node:assert/strict';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { errorStep, textStep, toolStep } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const MODEL = 'scripted-model';
const sdkFor = (s: ScriptedModelServer, maxRetries = 0) => new Anthropic({ baseURL: s.url, apiKey: 'test', maxRetries });
const ask = (text: string) => ({ model: MODEL, max_tokens: 100, messages: [{ role: 'user' as const, content: text }] });

describe('ScriptedModelServer: answers', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('streams text and tool_use; the SDK assembles the tool input from several input_json_delta chunks', async () => {
    const input = { path: 'src/index.ts', lines: [1, 200], note: 'a long enough string to be split in pieces' };
    server = await ScriptedModelServer.start([
      toolStep([{ id: 'toolu_1', name: 'read_file', input }], {
        text: 'Let me read the file first, then I will fix it.',
        usage: { input_tokens: 120, output_tokens: 40, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 },
      }),
    ]);
    const stream = sdkFor(server).messages.stream(ask('fix it'));
    const deltas: string[] = [];
    const texts: string[] = [];
    stream.on('streamEvent', (e) => {
      if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') deltas.push(e.delta.partial_json);
    });
    stream.on('text', (t) => texts.push(t));
    const msg = await stream.finalMessage();
    assert.deepEqual(msg.content, [
      { type: 'text', text: 'Let me read the file first, then I will fix it.' },
      { type: 'tool_use', id: 'toolu_1', name: 'read_file', input },
    ]);
    assert.equal(msg.stop_reason, 'tool_use');
    assert.equal(msg.model, MODEL);
    assert.deepEqual(
      { i: msg.usage.input_tokens, o: msg.usage.output_tokens, r: msg.usage.cache_read_input_tokens, w: msg.usage.cache_creation_input_tokens },
      { i: 120, o: 40, r: 100, w: 7 },
    );
    assert.ok(deltas.filter((d) => d.length > 0).length >= 3, `input JSON in pieces: ${JSON.stringify(deltas)}`);
    assert.ok(texts.length > 1);
    assert.equal(stream.request_id, 'req_scripted_0');
    assert.deepEqual(server.violations(), []);
    assert.equal(server.requests()[0]?.outcome, 'message');
  });

  it('sends the SSE event sequence of the real API with text/event-stream and request-id', async () => {
    server = await ScriptedModelServer.start([textStep('hello there')]);
    const res = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'test', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('hi'), stream: true }),
    });
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('request-id'), 'req_scripted_0');
    const names = [...(await res.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.deepEqual(names, ['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  it('answers a non-streaming request with JSON', async () => {
    server = await ScriptedModelServer.start([textStep('plain', { usage: { input_tokens: 3, output_tokens: 2 }, responseModel: 'claude-x-dated' })]);
    const msg = await sdkFor(server).messages.create(ask('hi'));
    assert.deepEqual(msg.content, [{ type: 'text', text: 'plain' }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.model, 'claude-x-dated');
    assert.equal(msg.usage.input_tokens, 3);
    assert.equal(msg.usage.cache_read_input_tokens, 0);
    assert.equal(msg._request_id, 'req_scripted_0');
    assert.equal(server.requests()[0]?.stream, false);
  });

  it('answers 429 with retry-after; the SDK retries and the next step answers', async () => {
    server = await ScriptedModelServer.start([errorStep(429, { retryAfter: 0.05 }), textStep('after the wait')]);
    const msg = await sdkFor(server, 2).messages.create(ask('hi'));
    assert.deepEqual(msg.content, [{ type: 'text', text: 'after the wait' }]);
    assert.deepEqual(
      server.requests().map((r) => [r.status, r.outcome, r.stepIndex]),
      [
        [429, 'error', 0],
        [200, 'message', 1],
      ],
    );
  });

  it('gives 429, 529 and 500 the Anthropic error shape', async () => {
    server = await ScriptedModelServer.start([errorStep(429, { retryAfter: 3 }), errorStep(529), errorStep(500)]);
    const sdk = sdkFor(server);
    const seen: Array<[number | undefined, unknown, string | null | undefined]> = [];
    for (let i = 0; i < 3; i++) {
      const e = await sdk.messages.create(ask('hi')).catch((x: unknown) => x);
      assert.ok(e instanceof APIError);
      seen.push([e.status, (e.error as { error?: { type?: string } }).error?.type, e.headers?.get('retry-after')]);
    }
    assert.deepEqual(seen, [
      [429, 'rate_limit_error', '3'],
      [529, 'overloaded_error', null],
      [500, 'api_error', null],
    ]);
  });

  it('cuts a stream mid-message: the SDK rejects', async () => {
    server = await ScriptedModelServer.start([textStep('a fairly long answer that is cut in the middle of its text', { cut: { afterEvents: 4 } })]);
    const got: string[] = [];
    const stream = sdkFor(server).messages.stream(ask('hi'));
    stream.on('text', (t) => got.push(t));
    await assert.rejects(stream.finalMessage());
    assert.ok(got.length >= 1, 'some text arrived before the cut');
    assert.equal(server.requests()[0]?.outcome, 'cut');
  });

  it('sends an error event mid-stream: the SDK rejects with overloaded_error', async () => {
    server = await ScriptedModelServer.start([textStep('partial answer here', { streamError: { afterEvents: 3 } })]);
    const e = await sdkFor(server)
      .messages.stream(ask('hi'))
      .finalMessage()
      .catch((x: unknown) => x);
    assert.ok(e instanceof APIError);
    assert.equal((e.error as { error?: { type?: string } }).error?.type, 'overloaded_error');
    assert.equal(server.requests()[0]?.outcome, 'stream_error');
  });

  it('ties steps to a model: every request for the failing model gets 529, others go on', async () => {
    server = await ScriptedModelServer.start([errorStep(529, { model: 'bad-model', times: 'always' }), textStep('one'), textStep('two')]);
    const sdk = sdkFor(server);
    const text = async (model: string) => {
      const r = await sdk.messages.create({ ...ask('hi'), model }).catch((x: unknown) => x);
      return r instanceof APIError ? r.status : (r as Anthropic.Message).content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    };
    assert.deepEqual([await text('bad-model'), await text(MODEL), await text('bad-model'), await text(MODEL)], [529, 'one', 529, 'two']);
    assert.equal(server.remainingSteps(), 0);
  });

  it('paces a stream with chunkDelayMs', async () => {
    server = await ScriptedModelServer.start([textStep('a paced answer in several chunks', { chunkDelayMs: 5 })]);
    const arrivals: number[] = [];
    const stream = sdkFor(server).messages.stream(ask('hi'));
    stream.on('text', () => arrivals.push(Date.now()));
    await stream.finalMessage();
    assert.ok(arrivals.length >= 3);
    assert.equal(server.requests()[0]?.outcome, 'message');
  });

  it('waits delayMs; an aborted request is recorded as aborted', async () => {
    server = await ScriptedModelServer.start([textStep('slow', { delayMs: 5_000 })]);
    const ac = new AbortController();
    const p = sdkFor(server).messages.create(ask('hi'), { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p);
    await waitFor(() => server?.requests()[0]?.outcome === 'aborted');
  });

  it('stops streaming when the client goes away mid-stream, and does not count the turn as answered', async () => {
    server = await ScriptedModelServer.start([textStep('x'.repeat(600), { chunkDelayMs: 20 })]);
    const stream = sdkFor(server).messages.stream(ask('hi'));
    stream.on('text', () => stream.abort());
    await assert.rejects(stream.finalMessage());
    await waitFor(() => server?.requests()[0]?.outcome === 'aborted');
    assert.deepEqual(server.duplicateTurns(), []);
  });

  it('adds steps while running with push and load', async () => {
    server = await ScriptedModelServer.start([]);
    server.push(textStep('pushed'));
    const sdk = sdkFor(server);
    assert.equal(((await sdk.messages.create(ask('a'))).content[0] as Anthropic.TextBlock).text, 'pushed');
    server.load({ steps: [textStep('loaded')] });
    assert.equal(((await sdk.messages.create(ask('b'))).content[0] as Anthropic.TextBlock).text, 'loaded');
    assert.equal(server.requestCount(), 2);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition never held');
}
