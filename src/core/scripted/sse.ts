import type { ReplyBlock } from './scenario';

/** The Anthropic Messages API's answer to a non-streaming request (and what a stream assembles to). */
export interface ApiMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ReplyBlock[];
  stop_reason: string | null;
  stop_sequence: null;
  usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** One event in the wire form: `event: NAME`, `data: JSON`, blank line. */
export function encodeSse(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** Splits `s` into `parts` pieces of near-equal length (fewer when `s` is shorter); never returns an empty list. */
export function splitInto(s: string, parts: number): string[] {
  const n = Math.max(1, Math.min(parts, s.length));
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length ? out : [''];
}

/** Text deltas of about this many characters, like the real API's token-sized chunks. */
const TEXT_CHUNK_CHARS = 12;
/** Tool input JSON goes out in this many pieces at least (when long enough). */
const JSON_PIECES = 4;

function blockEvents(b: ReplyBlock, index: number): SseEvent[] {
  const events: SseEvent[] = [];
  if (b.type === 'text') {
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
    for (const text of splitInto(b.text, Math.ceil(b.text.length / TEXT_CHUNK_CHARS))) {
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } } });
    }
  } else {
    const start = { type: 'tool_use', id: b.id, name: b.name, input: {} };
    const json = b.inputJson ?? JSON.stringify(b.input);
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: start } });
    // The real API opens a tool's input with an empty partial_json, then sends the JSON in pieces.
    for (const partial_json of ['', ...splitInto(json, JSON_PIECES)]) {
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } } });
    }
  }
  events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  return events;
}

/**
 * The SSE events that stream `message` the way the real API does: message_start (empty content,
 * input usage), a ping, per block start/deltas/stop, message_delta (stop_reason, output tokens),
 * message_stop.
 */
export function messageEvents(message: ApiMessage): SseEvent[] {
  const start = { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } };
  return [
    { event: 'message_start', data: { type: 'message_start', message: start } },
    { event: 'ping', data: { type: 'ping' } },
    ...message.content.flatMap(blockEvents),
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

/** The `error` event the real API sends mid-stream (e.g. overloaded_error). */
export function errorEvent(errorType: string, message: string): SseEvent {
  return { event: 'error', data: { type: 'error', error: { type: errorType, message } } };
}
