import type Anthropic from '@anthropic-ai/sdk';
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import type { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type { LlmClient, LlmEvent, LlmRequest, LlmResponse } from './llmClient';
import { ModelError } from './modelError';
import { ModelPolicies, type ModelPolicyOptions } from './modelPolicy';
import { type ModelInfo, costOf } from './models';
import { SpendMeter } from './spendMeter';
import { repairedStream } from './toolInputRepair';
import type { ContentBlock, StopReason, Usage } from './types';

export interface AnthropicClientOptions {
  apiKey: string;
  /** Any Anthropic-compatible endpoint; the SDK default otherwise. */
  baseURL?: string;
  policy?: ModelPolicyOptions;
  /** Mark the system prompt and the conversation prefix as cacheable. Default true. */
  promptCaching?: boolean;
  prices?: Record<string, ModelInfo>;
  /** Per-request timeout in ms. Default 10 minutes. */
  timeoutMs?: number;
  /**
   * Longest silence in ms between the request and its headers, and between two stream events,
   * before the attempt is abandoned as stalled and retried. Default 90 s (the API pings far more often).
   */
  streamIdleMs?: number;
}

const DEFAULT_STREAM_IDLE_MS = 90_000;

type SdkParams = Anthropic.MessageCreateParamsNonStreaming;

interface Sdk {
  client: Anthropic;
  MessageStream: typeof MessageStream;
}

/**
 * The SDK's client and stream reader, loaded at the first request: their modules were a large part
 * of the start-up of the extension (and of every CLI command that opens sessions), most of which
 * never ask the model anything. Its error classes are a small module of their own, loaded at once.
 */
const loadSdk = () => Promise.all([import('@anthropic-ai/sdk'), import('@anthropic-ai/sdk/lib/MessageStream')]);

/**
 * LlmClient on `@anthropic-ai/sdk`, streaming. The SDK's own retries are off (maxRetries 0): every
 * retry, including after a stream cut mid-message (which the SDK never retries), goes through our
 * policy, so each one is reported and counted the same way.
 */
export class AnthropicLlmClient implements LlmClient {
  private sdk: Promise<Sdk> | undefined;
  private readonly policies: ModelPolicies;

  constructor(private readonly options: AnthropicClientOptions) {
    this.policies = new ModelPolicies(options.baseURL ?? 'anthropic', options.policy);
  }

  /** The SDK's client, made at the first request (see loadSdk). */
  private loaded(): Promise<Sdk> {
    const { apiKey, timeoutMs, baseURL } = this.options;
    this.sdk ??= loadSdk().then(([{ default: Anthropic }, { MessageStream }]) => ({
      client: new Anthropic({ apiKey, maxRetries: 0, timeout: timeoutMs ?? 600_000, ...(baseURL ? { baseURL } : {}) }),
      MessageStream,
    }));
    return this.sdk;
  }

  async complete(request: LlmRequest, onEvent: (e: LlmEvent) => void = () => undefined): Promise<LlmResponse> {
    if (request.models.length === 0) throw new ModelError('BAD_REQUEST', 'no model configured');
    let lastError: unknown;
    const meter = new SpendMeter(this.options.prices);
    for (let i = 0; i < request.models.length; i++) {
      const model = request.models[i] as string;
      const next = request.models[i + 1];
      if (this.policies.isOpen(model) && next) {
        onEvent({ type: 'fallback', from: model, to: next, reason: `${model} is failing; its circuit is open` });
        continue;
      }
      let attempts = 0;
      try {
        const response = await this.policies.run(
          model,
          request.signal,
          onEvent,
          async () => {
            attempts++;
            meter.begin(model);
            return this.once(model, request, onEvent, meter);
          },
          next !== undefined,
        );
        const spent = meter.total();
        return { ...response, attempts, ...(spent ? { spent } : {}) };
      } catch (e) {
        lastError = e;
        if (ModelError.is(e)) {
          const spent = meter.total();
          if (spent) e.details.spent = spent;
        }
        if (!ModelError.is(e) || !(e.retryable || e.code === 'UNAVAILABLE') || !next) throw e;
        onEvent({ type: 'fallback', from: model, to: next, reason: e.message });
      }
    }
    throw lastError;
  }

  private async once(model: string, request: LlmRequest, onEvent: (e: LlmEvent) => void, meter: SpendMeter): Promise<Omit<LlmResponse, 'attempts'>> {
    const { client, MessageStream } = await this.loaded();
    const params = this.params(model, request);
    // A stream that goes quiet is abandoned (and retried) after the idle limit: the socket's own
    // timeout is minutes, and a connection kept open without data never ends at all.
    const idleMs = this.options.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS;
    const idle = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
    };
    arm();
    try {
      const signal = request.signal ? AbortSignal.any([request.signal, idle.signal]) : idle.signal;
      // The raw events, their tool inputs repaired before the SDK assembles them (see ToolInputRepair).
      const { data, response } = await client.messages.create({ ...params, stream: true }, { signal }).withResponse();
      arm();
      const stream = MessageStream.fromReadableStream(repairedStream(data, signal, arm));
      stream.on('streamEvent', (_event, snapshot) => {
        arm();
        meter.seen(usageOf(snapshot.usage));
      });
      stream.on('text', (delta) => onEvent({ type: 'text', delta }));
      stream.on('inputJson', (_partial, snapshot) => {
        const block = stream.currentMessage?.content.at(-1);
        if (block?.type === 'tool_use') onEvent({ type: 'tool_input', toolUseId: block.id, name: block.name, partial: snapshot });
      });
      const msg = await stream.finalMessage();
      meter.answered();
      const usage = usageOf(msg.usage);
      const content = msg.content.flatMap((b): ContentBlock[] =>
        b.type === 'text' ? [{ type: 'text', text: b.text }] : b.type === 'tool_use' ? [{ type: 'tool_use', id: b.id, name: b.name, input: b.input }] : [],
      );
      const out: Omit<LlmResponse, 'attempts'> = {
        content,
        stopReason: (msg.stop_reason ?? 'end_turn') as StopReason,
        usage,
        model: msg.model || model,
        costUsd: costOf(model, usage, this.options.prices),
      };
      const requestId = response.headers.get('request-id');
      if (requestId) out.requestId = requestId;
      return out;
    } catch (e) {
      if (idle.signal.aborted && !request.signal?.aborted) throw new ModelError('STALLED', `the response stream stalled: nothing arrived for ${idleMs / 1000} s`, {}, { cause: e });
      throw toModelError(e, request.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private params(model: string, request: LlmRequest): SdkParams {
    const caching = this.options.promptCaching ?? true;
    const messages = request.messages.map((m) => ({ role: m.role, content: m.content })) as Anthropic.MessageParam[];
    if (caching) markLastBlockCacheable(messages);
    const params: SdkParams = { model, max_tokens: request.maxTokens, messages };
    if (request.system) {
      params.system = [{ type: 'text', text: request.system, ...(caching ? { cache_control: { type: 'ephemeral' as const } } : {}) }];
    }
    if (request.tools?.length) params.tools = request.tools.map((t) => ({ ...t })) as Anthropic.Tool[];
    return params;
  }
}

function usageOf(u: Anthropic.Usage): Usage {
  return { input: u.input_tokens, output: u.output_tokens, cacheRead: u.cache_read_input_tokens ?? 0, cacheWrite: u.cache_creation_input_tokens ?? 0 };
}

/** A rolling cache breakpoint on the newest block: the whole prefix before it is reused next turn. */
function markLastBlockCacheable(messages: Anthropic.MessageParam[]): void {
  const last = messages.at(-1);
  if (!last) return;
  if (typeof last.content === 'string') {
    last.content = [{ type: 'text', text: last.content, cache_control: { type: 'ephemeral' } }];
    return;
  }
  const block = last.content.at(-1);
  if (block && (block.type === 'text' || block.type === 'tool_result' || block.type === 'tool_use')) {
    last.content = [...last.content.slice(0, -1), { ...block, cache_control: { type: 'ephemeral' } }];
  }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const ra = headers?.get('retry-after');
  if (!ra) return undefined;
  if (Number.isFinite(Number(ra))) return Number(ra) * 1000;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Where the key comes from: the editor's secret storage, or the environment for the command line. */
const SET_KEY = 'check the key: in VS Code run "Savepoint: Set API Key"; on the command line set ANTHROPIC_API_KEY';

/** The API's own words of an error (the SDK's message starts with the status and may hold the whole JSON body). */
const apiMessage = (e: APIError): string => e.apiMessage ?? e.message;

/**
 * How the API words a request over the context window: the prompt alone ("prompt is too long"), or
 * the prompt with the answer's room ("input length and `max_tokens` exceed context limit").
 */
const CONTEXT_OVERFLOW = /prompt is too long|context (length|window|limit)|too many (input )?tokens|maximum context/i;

export function toModelError(e: unknown, signal?: AbortSignal): ModelError {
  if (e instanceof ModelError) return e;
  if (e instanceof APIUserAbortError || signal?.aborted) return new ModelError('ABORTED', 'the request was cancelled', {}, { cause: e });
  if (e instanceof APIConnectionError) return new ModelError('CONNECTION', `cannot reach the model: ${e.message}`, {}, { cause: e });
  if (e instanceof APIError) {
    const details: ModelError['details'] = {};
    if (e.status !== undefined) details.status = e.status;
    const ra = retryAfterMs(e.headers);
    if (ra !== undefined) details.retryAfterMs = ra;
    if (e.requestID) details.requestId = e.requestID;
    const s = e.status;
    // An `error` event mid-stream has no status; an overloaded_error there is the same outage as a 529.
    if (s === undefined && e.type === 'overloaded_error') return new ModelError('OVERLOADED', 'the model is overloaded (mid-stream)', details, { cause: e });
    if (s === undefined) return new ModelError('STREAM_INTERRUPTED', `the response stream failed: ${e.message}`, details, { cause: e });
    if (s === 429) return new ModelError('RATE_LIMITED', 'rate limited by the model provider', details, { cause: e });
    if (s === 529) return new ModelError('OVERLOADED', 'the model is overloaded', details, { cause: e });
    if (s === 401 || s === 403) return new ModelError('AUTH', `${s === 401 ? 'the API key was refused' : 'the API key may not use this model or endpoint'} (${s}: ${apiMessage(e)}); ${SET_KEY}`, details, { cause: e });
    if (s === 408 || s === 409 || s >= 500) return new ModelError('SERVER', `the model provider failed (${s}: ${apiMessage(e)})`, details, { cause: e });
    if ((s === 400 || s === 413) && CONTEXT_OVERFLOW.test(e.message)) return new ModelError('CONTEXT_OVERFLOW', `the conversation is larger than the model's context window: ${apiMessage(e)}`, details, { cause: e });
    if (s === 404) return new ModelError('BAD_REQUEST', `the model or endpoint was not found (404: ${apiMessage(e)}): check the model name and the base URL in the settings (savepoint.model, or --model and --base-url on the command line), then resume the session: it asks the model set then`, details, { cause: e });
    return new ModelError('BAD_REQUEST', `the request was refused (${s}): ${apiMessage(e)}`, details, { cause: e });
  }
  // Anything else thrown while reading the stream (a socket closed mid-message, a malformed event).
  return new ModelError('STREAM_INTERRUPTED', `the response stream broke: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
}

