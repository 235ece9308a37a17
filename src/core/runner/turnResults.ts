import type { ToolOutput } from '../tools/tool';
import { type ContextOptions, contextWindow } from './compaction';
import type { RunState } from './runState';

/**
 * The results of one turn go back to the model in one message, which compaction cannot shorten:
 * together they take at most this share of the context window, so that the request fits with the
 * task and a summary once the turns before it are compacted.
 */
const TURN_SHARE = 0.5;
/** Characters a token, counted low (code and JSON run nearer 3 than compaction's 4): a cut result fits under any tokenizer. */
const CHARS_PER_TOKEN = 3;
/** What a result keeps whatever the number of calls in its turn. */
const MIN_RESULT_CHARS = 2_000;

const encoder = new TextEncoder();

/** The characters one result of a turn of `calls` calls may take in a window of `window` tokens. */
export function resultRoom(window: number, calls: number): number {
  return Math.max(MIN_RESULT_CHARS, Math.floor((window * TURN_SHARE * CHARS_PER_TOKEN) / Math.max(1, calls)));
}

/**
 * `out` as the model gets it among the turn's other results: one longer than its share of the
 * window is cut at a line end, says so, and keeps its whole output (read_output pages through it).
 * A tool's own cut (a long command output, a long file) already keeps the whole output: that stays.
 */
export function fitToTurn(out: ToolOutput, s: Pick<RunState, 'models' | 'calls'> | undefined, context: ContextOptions | false | undefined): ToolOutput {
  if (!s) return out;
  const room = resultRoom(contextWindow(s, context || {}), s.calls.length);
  if (out.content.length <= room) return out;
  const head = headOf(out.content, room);
  const rest = out.full ? 'read_output pages through the whole output' : `read the rest from offset ${encoder.encode(head).length}`;
  const note =
    `[The results of this turn's ${s.calls.length} calls are too long together for the model's context window: ` +
    `this one is cut to its first ${head.length} of ${out.content.length} characters; ${rest}.]`;
  return { ...out, content: `${head}\n${note}`, full: out.full ?? encoder.encode(out.content) };
}

/** The text up to `room` characters, ended before a line break when one is in its second half, never inside a surrogate pair. */
function headOf(text: string, room: number): string {
  const cut = text.lastIndexOf('\n', room);
  const end = cut > room / 2 ? cut : room;
  const code = text.charCodeAt(end - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? end - 1 : end);
}
