import type Anthropic from '@anthropic-ai/sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk';

/** What JSON allows after a backslash (a `u` is taken to start its four hex digits). */
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u']);

interface BlockState {
  inString: boolean;
  /** A backslash inside a string is held until the next character says whether it escapes it. */
  escape: boolean;
}

/**
 * Makes the JSON of streamed tool inputs parseable where the model wrote a string JSON does not
 * allow: a backslash before a character that is not an escape (`App\Http`, `\d+`) is the backslash
 * itself, and a raw control character (a newline) is that character. Valid JSON goes through unchanged.
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
      if (st.escape) {
        st.escape = false;
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

/**
 * The events of a raw message stream with each tool input's JSON repaired (`ToolInputRepair`), as
 * newline-delimited JSON for `MessageStream.fromReadableStream`. Ends with APIUserAbortError when
 * `signal` aborted: the SDK's stream ends quietly on an abort, which would pass for a whole answer.
 */
export function repairedStream(events: AsyncIterable<StreamEvent>, signal: AbortSignal): ReadableStream<Uint8Array> {
  const repair = new ToolInputRepair();
  const it = events[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) {
        if (signal.aborted) throw new APIUserAbortError();
        controller.close();
        return;
      }
      let e = next.value;
      if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') e = { ...e, delta: { ...e.delta, partial_json: repair.fix(e.index, e.delta.partial_json) } };
      controller.enqueue(encoder.encode(`${JSON.stringify(e)}\n`));
    },
    async cancel() {
      await it.return?.();
    },
  });
}
