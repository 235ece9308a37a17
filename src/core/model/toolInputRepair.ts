import type Anthropic from '@anthropic-ai/sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk/core/error';

/** What JSON allows after a backslash, but for `u`, an escape only with four hex digits after it. */
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]$/;

interface BlockState {
  inString: boolean;
  /** A backslash inside a string is held until the next character says whether it escapes it. */
  escape: boolean;
  /** After a backslash and a `u`: the hex digits seen so far, held until four say it is an escape (`C:\users` is not). */
  unicode?: string;
}

/**
 * Makes the JSON of streamed tool inputs parseable where the model wrote a string JSON does not
 * allow: a backslash before a character that is not an escape (`App\Http`, `\d+`, a `u` without four
 * hex digits: `C:\users`) is the backslash itself, and a raw control character (a newline) is that character. Valid JSON goes through unchanged.
 * The SDK parses a tool input as it streams and throws on either: the whole answer was lost, and
 * retried as a broken stream, though every attempt was the same. Stateful per content block, since
 * an escape may span two deltas.
 */
export class ToolInputRepair {
  private readonly blocks = new Map<number, BlockState>();

  fix(index: number, partial: string): string {
    let st = this.blocks.get(index);
    if (!st) this.blocks.set(index, (st = { inString: false, escape: false }));
    let out = '';
    for (const c of partial) {
      if (st.unicode !== undefined) {
        if (HEX.test(c)) {
          st.unicode += c;
          if (st.unicode.length === 4) {
            out += `\\u${st.unicode}`;
            st.unicode = undefined;
          }
          continue;
        }
        // Not an escape: the backslash itself, then the u and its digits; the character goes on as any.
        out += `\\\\u${st.unicode}`;
        st.unicode = undefined;
      }
      if (st.escape) {
        st.escape = false;
        if (c === 'u') {
          st.unicode = '';
          continue;
        }
        if (ESCAPES.has(c)) {
          out += `\\${c}`;
          continue;
        }
        out += '\\\\';
      }
      if (st.inString && c === '\\') {
        st.escape = true;
        continue;
      }
      if (c === '"') st.inString = !st.inString;
      else if (st.inString && c < ' ') {
        out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
        continue;
      }
      out += c;
    }
    return out;
  }
}

type StreamEvent = Anthropic.RawMessageStreamEvent;

/** The key of the input a tool call gets when the JSON the model wrote for it cannot be read (`invalidToolInput`). */
export const INVALID_TOOL_INPUT = 'savepoint_unreadable_input';

/** Of an unreadable tool input: the JSON as the model wrote it (cut), and why it cannot be read. */
export interface UnreadableInput {
  json: string;
  error: string;
}

/** How much of an unreadable input is kept with the call (the journal, the model's next request). */
const MAX_KEPT_JSON = 2_000;

/** The input that stands for JSON the model wrote that is not JSON even once repaired (a missing comma, a cut string). */
function unreadable(json: string, e: unknown): Record<string, UnreadableInput> {
  const error = e instanceof Error ? e.message : String(e);
  return { [INVALID_TOOL_INPUT]: { json: json.length > MAX_KEPT_JSON ? `${json.slice(0, MAX_KEPT_JSON)}...` : json, error } };
}

/** The `UnreadableInput` a call's input stands for, if it is one. */
export function invalidToolInput(raw: unknown): UnreadableInput | undefined {
  if (typeof raw !== 'object' || raw === null || !(INVALID_TOOL_INPUT in raw)) return undefined;
  const v = (raw as Record<string, unknown>)[INVALID_TOOL_INPUT];
  return typeof v === 'object' && v !== null && typeof (v as UnreadableInput).error === 'string' ? (v as UnreadableInput) : undefined;
}

/**
 * The events of a raw message stream with each tool input's JSON repaired (`ToolInputRepair`), as
 * newline-delimited JSON for `MessageStream.fromReadableStream`. A tool input's deltas are held
 * until its block ends and go on as one: JSON that still cannot be read then (a missing comma, a
 * string cut off) goes on as an input saying so (`invalidToolInput`), which the call answers with
 * an error the model can act on. Before, the SDK threw on it mid-stream, and the whole answer was
 * retried as a broken stream, each attempt billed and, with the same prompt, often alike. A block
 * that never ends (the stream ends first) goes on as it was written, for the SDK to read as far as
 * it can. `seen` is called on every raw event (held ones too), so that a long tool input keeps the
 * stream's idle timer from firing. Ends with APIUserAbortError when `signal` aborted: the SDK's
 * stream ends quietly on an abort, which would pass for a whole answer.
 */
export function repairedStream(events: AsyncIterable<StreamEvent>, signal: AbortSignal, seen: () => void = () => undefined): ReadableStream<Uint8Array> {
  const repair = new ToolInputRepair();
  const held = new Map<number, string>();
  const it = events[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const line = (e: unknown) => encoder.encode(`${JSON.stringify(e)}\n`);
  const delta = (index: number, json: string) => line({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = await it.next();
        if (next.done) {
          if (signal.aborted) throw new APIUserAbortError();
          for (const [index, json] of held) controller.enqueue(delta(index, json));
          held.clear();
          controller.close();
          return;
        }
        seen();
        const e = next.value;
        if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') {
          held.set(e.index, (held.get(e.index) ?? '') + repair.fix(e.index, e.delta.partial_json));
          continue;
        }
        if (e.type === 'content_block_stop' && held.has(e.index)) {
          const json = held.get(e.index) ?? '';
          held.delete(e.index);
          let readable = json;
          try {
            if (json.trim() !== '') JSON.parse(json);
          } catch (err) {
            readable = JSON.stringify(unreadable(json, err));
          }
          controller.enqueue(delta(e.index, readable));
        }
        controller.enqueue(line(e));
        return;
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}
