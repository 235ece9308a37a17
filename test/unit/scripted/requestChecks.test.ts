import assert from 'node:assert/strict';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { textStep, toolStep } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const MODEL = 'scripted-model';
const TOOLS = [{ name: 'read_file', description: 'read', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } }];
type Msg = Anthropic.MessageParam;
const toolUse = (id: string): Msg => ({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'read_file', input: { path: 'a' } }] });
const toolResult = (id: string, content = 'file text', isError?: boolean): Msg => ({
  role: 'user',
  content: [{ type: 'tool_result', tool_use_id: id, content, ...(isError === undefined ? {} : { is_error: isError }) }],
});

describe('ScriptedModelServer: strict request checks', () => {
  let server: ScriptedModelServer;
  let sdk: Anthropic;
  beforeEach(async () => {
    server = await ScriptedModelServer.start([textStep('ok', { times: 'always' })]);
    sdk = new Anthropic({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
  });
  afterEach(() => server.close());

  const send = async (body: Record<string, unknown>) => {
    const e = await sdk.messages.create({ model: MODEL, max_tokens: 50, messages: [], ...body } as Anthropic.MessageCreateParamsNonStreaming).catch((x: unknown) => x);
    return e instanceof APIError ? e.status : 200;
  };

  it('accepts a well-formed tool conversation', async () => {
    const messages: Msg[] = [{ role: 'user', content: 'go' }, toolUse('t1'), toolResult('t1'), { role: 'assistant', content: 'done' }, { role: 'user', content: 'thanks' }];
    assert.equal(await send({ messages, tools: TOOLS, system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }] }), 200);
    assert.deepEqual(server.violations(), []);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['roles that do not alternate', { messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }],
    ['a conversation starting with assistant', { messages: [{ role: 'assistant', content: 'a' }] }],
    ['no messages', { messages: [] }],
    ['no max_tokens', { max_tokens: undefined, messages: [{ role: 'user', content: 'a' }] }],
    ['a tool_use without its tool_result', { tools: TOOLS, messages: [{ role: 'user', content: 'a' }, toolUse('t1'), { role: 'user', content: 'next' }] }],
    ['a tool_result with no tool_use', { tools: TOOLS, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, toolResult('t9')] }],
    ['tool blocks without tools', { messages: [{ role: 'user', content: 'a' }, toolUse('t1'), toolResult('t1')] }],
    ['a tool without input_schema', { tools: [{ name: 'x', description: 'd' }], messages: [{ role: 'user', content: 'a' }] }],
    ['a tool_choice naming no defined tool', { tools: TOOLS, tool_choice: { type: 'tool', name: 'nope' }, messages: [{ role: 'user', content: 'a' }] }],
    ['a tool with a bad name', { tools: [{ ...TOOLS[0], name: 'read file' }], messages: [{ role: 'user', content: 'a' }] }],
    [
      'text before a tool_result',
      {
        tools: TOOLS,
        messages: [{ role: 'user', content: 'a' }, toolUse('t1'), { role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'tool_result', tool_use_id: 't1', content: 'r' }] }],
      },
    ],
  ];
  for (const [what, body] of bad) {
    it(`refuses ${what} with 400 and records a violation`, async () => {
      assert.equal(await send(body), 400);
      const v = server.violations();
      assert.equal(v.length, 1);
      assert.equal(v[0]?.kind, 'invalid_request');
      assert.equal(server.requests()[0]?.stepIndex, undefined, 'a refused request takes no step');
    });
  }

  it('refuses a body that is not JSON, and an unknown route', async () => {
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }, body });
    const r1 = await post('/v1/messages', '{oops');
    assert.equal(r1.status, 400);
    assert.deepEqual(await r1.json(), { type: 'error', error: { type: 'invalid_request_error', message: 'the body is not JSON' }, request_id: 'req_scripted_0' });
    assert.equal((await post('/v1/complete', '{}')).status, 404);
    assert.deepEqual(
      server.violations().map((v) => v.kind),
      ['invalid_request', 'unknown_route'],
    );
  });
});

describe('ScriptedModelServer: expectations, counting, duplicates', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const client = (s: ScriptedModelServer) => new Anthropic({ baseURL: s.url, apiKey: 'test', maxRetries: 0 });
  const turn1: Msg[] = [{ role: 'user', content: 'read a' }];
  const turn2 = (isError?: boolean): Msg[] => [...turn1, toolUse('t1'), toolResult('t1', 'contents of a', isError)];

  it('checks expect on the request a step receives', async () => {
    server = await ScriptedModelServer.start({
      steps: [
        toolStep([{ id: 't1', name: 'read_file', input: { path: 'a' } }], { expect: { messageCount: 1, lastUserContains: 'read a', systemContains: 'careful', toolsInclude: ['read_file'] } }),
        textStep('done', { expect: { toolResultFor: 't1', toolResultIsError: false, lastUserContains: 'contents of a' } }),
        textStep('never', { expect: { toolResultFor: 't1', toolResultIsError: true } }),
      ],
    });
    const sdk = client(server);
    await sdk.messages.create({ model: MODEL, max_tokens: 50, system: 'be careful', tools: TOOLS, messages: turn1 });
    await sdk.messages.create({ model: MODEL, max_tokens: 50, tools: TOOLS, messages: turn2() });
    assert.deepEqual(server.violations(), []);
    const e = await sdk.messages.create({ model: MODEL, max_tokens: 50, tools: TOOLS, messages: turn2() }).catch((x: unknown) => x);
    assert.ok(e instanceof APIError && e.status === 400);
    assert.equal(server.violations()[0]?.kind, 'expectation');
    assert.match(server.violations()[0]?.message ?? '', /is_error true/);
  });

  it('finds a turn answered twice, but not a turn retried after a failure', async () => {
    server = await ScriptedModelServer.start([{ type: 'error', status: 529 }, textStep('first'), textStep('again')]);
    const sdk = client(server);
    await assert.rejects(sdk.messages.create({ model: MODEL, max_tokens: 50, messages: turn1 }));
    await sdk.messages.create({ model: MODEL, max_tokens: 50, messages: turn1 });
    assert.deepEqual(server.duplicateTurns(), []);
    // Same conversation, string content written as a block and a cache breakpoint added: still the same turn.
    await sdk.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: [{ type: 'text', text: 'read a', cache_control: { type: 'ephemeral' } }] }] });
    const dups = server.duplicateTurns();
    assert.equal(dups.length, 1);
    assert.equal(dups[0], server.requests()[0]?.fingerprint);
    assert.equal(server.requestCount(), 3);
  });

  it('answers 500 and records a violation when the scenario is exhausted', async () => {
    server = await ScriptedModelServer.start([textStep('only')]);
    const sdk = client(server);
    await sdk.messages.create({ model: MODEL, max_tokens: 50, messages: turn1 });
    const e = await sdk.messages.create({ model: MODEL, max_tokens: 50, messages: turn1 }).catch((x: unknown) => x);
    assert.ok(e instanceof APIError && e.status === 500);
    assert.deepEqual(
      server.violations().map((v) => [v.seq, v.kind]),
      [[1, 'exhausted']],
    );
  });
});
