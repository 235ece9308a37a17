import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type StepExpect, formatIssues } from './scenario';

/**
 * The strict request checks of the scripted model server: the shape of a Messages API body, the
 * conversation rules the real API enforces (alternation, tool_use/tool_result pairing), a step's
 * `expect` checks, and the conversation fingerprint used to find turns requested twice.
 */

const cacheControl = z.strictObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).optional();
const textBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });
const imageBlock = z.looseObject({ type: z.literal('image'), source: z.looseObject({ type: z.string() }), cache_control: cacheControl });
const documentBlock = z.looseObject({ type: z.literal('document'), source: z.looseObject({ type: z.string() }), cache_control: cacheControl });
const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });
const block = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock]);

const message = z.strictObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(block)]) });
const tool = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names match ^[a-zA-Z0-9_-]{1,64}$'),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()).optional() }),
  cache_control: cacheControl,
});

const requestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  stream: z.boolean().optional(),
});

export type MessagesRequest = z.output<typeof requestSchema>;
type Block = z.output<typeof block>;
type RequestMessage = z.output<typeof message>;

/** Most cache breakpoints one request may set. */
const MAX_CACHE_BREAKPOINTS = 4;

/** Parses a request body. Returns the request, or the problems that make the real API answer 400. */
export function checkRequest(raw: string): { ok: true; request: MessagesRequest } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, problems: ['the body is not JSON'] };
  }
  const r = requestSchema.safeParse(json);
  if (!r.success) return { ok: false, problems: [formatIssues(r.error.issues)] };
  const problems = [...conversationProblems(r.data.messages), ...toolProblems(r.data)];
  return problems.length ? { ok: false, problems } : { ok: true, request: r.data };
}

const blocksOf = (m: RequestMessage): Block[] => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content);

function conversationProblems(messages: readonly RequestMessage[]): string[] {
  const problems: string[] = [];
  const seenToolUse = new Set<string>();
  messages.forEach((m, i) => {
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (m.role !== expected) problems.push(`messages[${i}]: roles must alternate user/assistant starting with user; got ${m.role}`);
    const blocks = blocksOf(m);
    // The API's words for these: a conversation that holds one fails on every request.
    if (blocks.length === 0 && !(m.role === 'assistant' && i === messages.length - 1)) problems.push(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    if (blocks.some((b) => b.type === 'text' && b.text === '')) problems.push(`messages.${i}: text content blocks must be non-empty`);
    const wrong = blocks.find((b) => b.type === (m.role === 'user' ? 'tool_use' : 'tool_result'));
    if (wrong) problems.push(`messages[${i}]: a ${m.role} message cannot hold ${wrong.type}`);
    if (m.role === 'assistant') problems.push(...toolUsePairing(messages, i, seenToolUse));
    else problems.push(...toolResultPairing(messages, i));
  });
  // The API's words for a last assistant message (a prefill) on the 4.6 models and later; the agent never means one.
  if (messages.at(-1)?.role === 'assistant') problems.push('This model does not support assistant message prefill. The conversation must end with a user message.');
  return problems;
}

/** Every tool_use of assistant message `i` has its tool_result in the next user message. */
function toolUsePairing(messages: readonly RequestMessage[], i: number, seen: Set<string>): string[] {
  const problems: string[] = [];
  const next = messages[i + 1];
  const results = new Set(next ? blocksOf(next).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])) : []);
  for (const b of blocksOf(messages[i] as RequestMessage)) {
    if (b.type !== 'tool_use') continue;
    if (seen.has(b.id)) problems.push(`messages[${i}]: tool_use id ${b.id} is used twice`);
    seen.add(b.id);
    if (!results.has(b.id)) problems.push(`messages[${i}]: tool_use ${b.id} has no tool_result in the next user message`);
  }
  return problems;
}

/** Every tool_result of user message `i` answers a tool_use of the previous message, and comes before any other block. */
function toolResultPairing(messages: readonly RequestMessage[], i: number): string[] {
  const problems: string[] = [];
  const prev = i > 0 ? messages[i - 1] : undefined;
  const uses = new Set(prev ? blocksOf(prev).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : []);
  const blocks = blocksOf(messages[i] as RequestMessage);
  let otherSeen = false;
  const answered = new Set<string>();
  for (const b of blocks) {
    if (b.type !== 'tool_result') {
      otherSeen = true;
      continue;
    }
    if (otherSeen) problems.push(`messages[${i}]: tool_result blocks must come before any other content`);
    if (!uses.has(b.tool_use_id)) problems.push(`messages[${i}]: tool_result ${b.tool_use_id} has no matching tool_use in the previous message`);
    if (answered.has(b.tool_use_id)) problems.push(`messages[${i}]: tool_use ${b.tool_use_id} answered twice`);
    answered.add(b.tool_use_id);
  }
  return problems;
}

function toolProblems(req: MessagesRequest): string[] {
  const problems: string[] = [];
  const names = (req.tools ?? []).map((t) => t.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) problems.push(`tools: the name ${dup} is defined twice`);
  const usesTools = req.messages.some((m) => blocksOf(m).some((b) => b.type === 'tool_use' || b.type === 'tool_result'));
  if (usesTools && names.length === 0) problems.push('tools: requests with tool_use or tool_result blocks must define tools');
  const choice = req.tool_choice as { type?: unknown; name?: unknown } | undefined;
  if (choice !== undefined && names.length === 0) problems.push('tool_choice: may only be set with tools');
  else if (choice?.type === 'tool' && !names.includes(String(choice.name))) problems.push(`tool_choice: no tool named ${String(choice.name)}`);
  const breakpoints = countCacheControl(req);
  if (breakpoints > MAX_CACHE_BREAKPOINTS) problems.push(`cache_control: ${breakpoints} breakpoints, at most ${MAX_CACHE_BREAKPOINTS} allowed`);
  return problems;
}

function countCacheControl(req: MessagesRequest): number {
  const has = (x: { cache_control?: unknown }) => (x.cache_control ? 1 : 0);
  const system = typeof req.system === 'object' ? req.system.reduce((n, b) => n + has(b), 0) : 0;
  const tools = (req.tools ?? []).reduce((n, t) => n + has(t), 0);
  const msgs = req.messages.reduce((n, m) => n + (typeof m.content === 'string' ? 0 : m.content.reduce((k, b) => k + has(b as { cache_control?: unknown }), 0)), 0);
  return system + tools + msgs;
}

/** The text a user message shows: its text blocks and its tool_result contents. */
function userText(m: RequestMessage): string {
  return blocksOf(m)
    .flatMap((b) => {
      if (b.type === 'text') return [b.text];
      if (b.type !== 'tool_result') return [];
      if (typeof b.content === 'string') return [b.content];
      return (b.content ?? []).flatMap((c) => (c.type === 'text' ? [c.text] : []));
    })
    .join('\n');
}

function systemText(req: MessagesRequest): string {
  return typeof req.system === 'string' ? req.system : (req.system ?? []).map((b) => b.text).join('\n');
}

/** The failed expectations of a step on a (well-formed) request; empty when all hold. */
export function checkExpect(expect: StepExpect | undefined, req: MessagesRequest): string[] {
  if (!expect) return [];
  const problems: string[] = [];
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
  if (expect.messageCount !== undefined && req.messages.length !== expect.messageCount) {
    problems.push(`expected ${expect.messageCount} messages, got ${req.messages.length}`);
  }
  if (expect.lastUserContains !== undefined && !(lastUser && userText(lastUser).includes(expect.lastUserContains))) {
    problems.push(`expected the last user message to contain ${JSON.stringify(expect.lastUserContains)}`);
  }
  if (expect.systemContains !== undefined && !systemText(req).includes(expect.systemContains)) {
    problems.push(`expected the system prompt to contain ${JSON.stringify(expect.systemContains)}`);
  }
  if (expect.toolResultFor !== undefined) {
    const result = lastUser ? blocksOf(lastUser).find((b) => b.type === 'tool_result' && b.tool_use_id === expect.toolResultFor) : undefined;
    if (!result || result.type !== 'tool_result') problems.push(`expected a tool_result for ${expect.toolResultFor} in the last user message`);
    else if (expect.toolResultIsError !== undefined && (result.is_error ?? false) !== expect.toolResultIsError) {
      problems.push(`expected the tool_result for ${expect.toolResultFor} to have is_error ${expect.toolResultIsError}`);
    }
  }
  const names = new Set((req.tools ?? []).map((t) => t.name));
  for (const name of expect.toolsInclude ?? []) if (!names.has(name)) problems.push(`expected the tool ${name} to be defined`);
  return problems;
}

/** JSON with sorted keys, without cache_control, and string contents as one text block: equal conversations hash equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'cache_control' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha-256 of the conversation (messages) of a request: one fingerprint per model turn. */
export function fingerprintOf(messages: readonly RequestMessage[]): string {
  const normal = messages.map((m) => ({ role: m.role, content: blocksOf(m) }));
  return createHash('sha256').update(canonical(normal)).digest('hex');
}
