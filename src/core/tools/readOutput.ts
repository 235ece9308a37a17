import { z } from 'zod';
import { ToolError, type Tool, type ToolOutput } from './tool';
import { decodeText, jsonInputSchema } from './toolSupport';

const MAX_LENGTH = 30_000;

const schema = z.strictObject({
  call_id: z.string().min(1).describe('The id of the earlier tool call whose output was cut.'),
  offset: z.int().min(0).default(0).describe('Byte offset to start at. Default 0.'),
  length: z.int().min(1).max(MAX_LENGTH).default(20_000).describe(`Bytes to read, at most ${MAX_LENGTH}. Default 20000.`),
});

export type ReadOutputInput = z.infer<typeof schema>;

/** Reads any part of an earlier call's full output, kept when the result the model got was cut. */
export const readOutputTool: Tool<ReadOutputInput> = {
  name: 'read_output',
  description:
    'Read part of the full output of an earlier tool call whose result was cut (its result says so and names the call id). ' +
    'Give a byte offset and length to page through it.',
  category: 'read',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const bytes = await ctx.outputs?.read(input.call_id);
    if (!bytes) throw new ToolError('NOT_FOUND', `No kept output for call ${input.call_id}: only outputs that were cut are kept.`);
    if (input.offset >= bytes.length && bytes.length > 0) throw new ToolError('INVALID_INPUT', `offset ${input.offset} is past the end (${bytes.length} bytes).`);
    // An offset inside a character (a model's own arithmetic) starts at the next one, and says so in the range.
    const start = nextCharStart(bytes, input.offset);
    const end = charBoundary(bytes, Math.min(bytes.length, start + input.length), start);
    const more = end < bytes.length ? `\n[bytes ${start}-${end} of ${bytes.length}; continue with offset ${end}]` : `\n[bytes ${start}-${end} of ${bytes.length}; end of output]`;
    return { content: `${decodeText(bytes.subarray(start, end))}${more}` };
  },
};

/**
 * `end` moved back to the start of the UTF-8 character it falls in, so that a page ends, and the
 * next begins, between characters (a cut one would show as U+FFFD twice); never back to `start`.
 */
function charBoundary(bytes: Uint8Array, end: number, start: number): number {
  for (let e = end; e > start && e > end - 4 && e < bytes.length; e--) if (((bytes[e] as number) & 0xc0) !== 0x80) return e;
  return end;
}

/** `at`, or the start of the next UTF-8 character when `at` falls inside one (at most 3 bytes on). */
function nextCharStart(bytes: Uint8Array, at: number): number {
  let s = at;
  while (s < bytes.length && s < at + 3 && ((bytes[s] as number) & 0xc0) === 0x80) s++;
  return s;
}
