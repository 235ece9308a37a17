import type { ServerResponse } from 'node:http';
import { stopReasonOf, type MessageStep } from './scenario';
import type { ApiMessage } from './sse';

/** HTTP answers of the scripted model server, in the Anthropic wire shapes. */

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const STATUS_BY_TYPE: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(TYPE_BY_STATUS).map(([s, t]) => [t, Number(s)]));

/** The Anthropic error type the real API uses for an HTTP status. */
export function errorTypeFor(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The HTTP status the real API answers an error type with (500 when unknown). */
export function statusFor(errorType: string): number {
  return STATUS_BY_TYPE[errorType] ?? 500;
}

/** Writes `{type:'error', error:{type, message}, request_id}` with `status`, plus any extra headers. */
export function sendError(
  res: ServerResponse,
  requestId: string,
  status: number,
  error: { type?: string; message: string },
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ type: 'error', error: { type: error.type ?? errorTypeFor(status), message: error.message }, request_id: requestId });
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
  res.end(body);
}

/** Writes a 200 JSON answer. */
export function sendJson(res: ServerResponse, requestId: string, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
  res.end(JSON.stringify(body));
}

/** The whole message a step answers with. */
export function apiMessage(step: MessageStep, requestedModel: string, id: string): ApiMessage {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: step.responseModel ?? requestedModel,
    content: step.content.map((b) => ({ ...b })),
    stop_reason: stopReasonOf(step),
    stop_sequence: null,
    usage: { ...step.usage },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (then the caller checks `signal.aborted`). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Writes `chunk` and resolves once it is handed to the socket (false when the response is gone). */
export function write(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => res.write(chunk, (err) => resolve(!err)));
}
