import { z } from 'zod';
import { count } from '../util/plural';
import { ToolError, type Tool, type ToolOutput } from './tool';
import { checkSize, decodeExact, decodeText, formatBytes, jsonInputSchema, lineStarts, looksBinary, workspaceCall, workspacePath } from './toolSupport';

export const READ_MAX_BYTES = 100 * 1024;
export const READ_MAX_LINES = 2000;
/** A capped read keeps the whole file for read_output up to this size; past it the model pages with start_line. */
const READ_KEEP_MAX_BYTES = 5 * 1024 * 1024;

const schema = z.strictObject({
  path: z.string().min(1).describe('Workspace-relative path of the file.'),
  start_line: z.int().min(1).max(10_000_000).optional().describe('First line to read (1-based). Default 1.'),
  end_line: z.int().min(1).max(10_000_000).optional().describe('Last line to read (1-based, inclusive). Default: the end of the file.'),
});

export type ReadFileInput = z.infer<typeof schema>;

/** The requested lines of `text`, cut at READ_MAX_LINES lines or READ_MAX_BYTES characters. */
function selectLines(text: string, start: number, end: number | undefined, file: string): { body: string; note?: string; capped?: boolean } {
  const starts = lineStarts(text);
  const total = text === '' ? 0 : starts.length;
  if (start > Math.max(total, 1)) {
    throw new ToolError('INVALID_INPUT', `start_line ${start} is past the end of ${file}, which has ${count(total, 'line')}.`);
  }
  if (end !== undefined && end < start) throw new ToolError('INVALID_INPUT', `end_line ${end} is before start_line ${start}.`);
  const last = Math.min(end ?? total, total);
  let shownLast = Math.min(last, start + READ_MAX_LINES - 1);
  const from = starts[start - 1] ?? 0;
  /** End offset (exclusive) of 1-based line n: where line n+1 starts. */
  const lineEnd = (n: number) => starts[n] ?? text.length;
  while (shownLast > start && lineEnd(shownLast) - from > READ_MAX_BYTES) shownLast--;
  let body = text.slice(from, lineEnd(shownLast));
  let cutLine = false;
  if (body.length > READ_MAX_BYTES) {
    body = body.slice(0, READ_MAX_BYTES);
    cutLine = true;
  }
  if (shownLast < last || cutLine) {
    const more = cutLine
      ? `Line ${start} is longer than ${formatBytes(READ_MAX_BYTES)} and was cut; use run_command (e.g. cut or head -c) to see the rest.`
      : `Call read_file with start_line=${shownLast + 1} to read more.`;
    return { body, note: `[Showing lines ${start}-${shownLast} of ${total} in ${file}. ${more}]`, capped: true };
  }
  if (start > 1 || last < total) return { body, note: `[Lines ${start}-${last} of ${total} in ${file}.]` };
  return { body };
}

export const readFileTool: Tool<ReadFileInput> = {
  name: 'read_file',
  description:
    'Read a text file in the workspace. Returns its contents as they are (no line numbers), up to ' +
    `${READ_MAX_LINES} lines or ${formatBytes(READ_MAX_BYTES)} at a time; use start_line and end_line to read a part or the rest of a longer file.`,
  category: 'read',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const file = await workspacePath(ctx.workspace, input.path);
    const st = await workspaceCall(() => ctx.workspace.stat(file));
    if (st?.type === 'other') throw new ToolError('INVALID_INPUT', `${file} is not a regular file (a pipe, socket or device); read_file reads files only.`);
    if (st?.type === 'file') checkSize(file, st.size, "read parts of it with run_command (sed -n '100,200p', head, tail, grep -n) instead.");
    const bytes = await workspaceCall(() => ctx.workspace.readFile(file));
    if (bytes === undefined) throw new ToolError('NOT_FOUND', `${file} does not exist.`);
    if (looksBinary(bytes)) {
      const utf16 = isUtf16(bytes) ? ', UTF-16 text' : '';
      return { content: `${file} is a binary file (${formatBytes(bytes.length)}${utf16}); read_file shows UTF-8 text files only.`, isError: true };
    }
    const text = decodeText(bytes);
    const seen = [{ path: file, bytes }];
    if (text === '') return { content: `[${file} is empty.]`, seen };
    const { body, note, capped } = selectLines(text, input.start_line ?? 1, input.end_line, file);
    // Shown with U+FFFD for the bytes that are not UTF-8: the model must not copy those into an edit.
    const notUtf8 = decodeExact(bytes) === undefined ? `[${file} is not valid UTF-8 (another encoding?): the bytes that are not are shown as \uFFFD. edit_file cannot change it.]` : undefined;
    const notes = [note, notUtf8].filter((n) => n !== undefined);
    if (notes.length === 0) return { content: body, seen };
    const keep = capped && bytes.length <= READ_KEEP_MAX_BYTES ? { full: bytes } : {};
    return { content: `${body}${body.endsWith('\n') ? '' : '\n'}${notes.join('\n')}`, ...keep, seen };
  },
};

/** A UTF-16 byte order mark (such files look binary: every other byte of ASCII text is NUL). */
function isUtf16(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}
