import type { Spent } from './spendMeter';
import type { ContentBlock, Message, StopReason, ToolDefinition, Usage } from './types';

export interface LlmRequest {
  /** Models to try in order: the first is the primary, the rest are fallbacks used when its circuit is open. */
  models: readonly string[];
  system?: string;
  messages: readonly Message[];
  tools?: readonly ToolDefinition[];
  maxTokens: number;
  signal?: AbortSignal;
}

export interface LlmResponse {
  content: ContentBlock[];
  stopReason: StopReason;
  usage: Usage;
  /** The model that answered (a fallback when the primary's circuit was open). */
  model: string;
  costUsd: number;
  requestId?: string;
  /** Attempts it took, including retried failures. */
  attempts: number;
  /** What the retried attempts were billed (their streams got as far as message_start); absent: nothing. */
  spent?: Spent;
}

/** What the client reports while it works; the runner journals retries and fail-overs. */
export type LlmEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_input'; toolUseId: string; name: string; partial: unknown }
  | { type: 'retry'; model: string; attempt: number; delayMs: number; reason: string; code: string }
  | { type: 'fallback'; from: string; to: string; reason: string }
  | { type: 'breaker'; model: string; state: 'open' | 'half-open' | 'closed' };

/**
 * A model client (port). `complete` sends one turn and resolves with the whole assistant message.
 * Retries (with backoff, `retry-after` honoured) and fail-over happen inside; partial output
 * streamed through `onEvent` before a retry is void, which the `retry` event says.
 * Rejects with `ModelError` (stable `code`, and `details.spent` when failed attempts were billed);
 * an aborted signal rejects with code ABORTED.
 * Not idempotent: every call is a new request, so the runner calls it only for turns it has not journaled.
 */
export interface LlmClient {
  complete(request: LlmRequest, onEvent?: (e: LlmEvent) => void): Promise<LlmResponse>;
}
