import { z } from 'zod';
import { ToolError, type Tool, type ToolOutput } from './tool';
import { decodeText, formatBytes, jsonInputSchema, lineStarts, looksBinary, workspaceCall, workspacePath } from './toolSupport';

export const READ_MAX_BYTES = 100 * 1024;
export const READ_MAX_LINES = 2000;

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
    throw new ToolError('INVALID_INPUT', `start_line ${start} is past the end of ${file}, which has ${total} lines.`);
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
  inputSchema: jsonInputSchema(schema),
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const file = await workspacePath(ctx.workspace, input.path);
    const st = await workspaceCall(() => ctx.workspace.stat(file));
    if (st?.type === 'other') throw new ToolError('INVALID_INPUT', `${file} is not a regular file (a pipe, socket or device); read_file reads files only.`);
    const bytes = await workspaceCall(() => ctx.workspace.readFile(file));
    if (bytes === undefined) throw new ToolError('NOT_FOUND', `${file} does not exist.`);
    if (looksBinary(bytes)) {
      return { content: `${file} is a binary file (${formatBytes(bytes.length)}); read_file shows text files only.`, isError: true };
    }
    const text = decodeText(bytes);
    const seen = [{ path: file, bytes }];
    if (text === '') return { content: `[${file} is empty.]`, seen };
    const { body, note, capped } = selectLines(text, input.start_line ?? 1, input.end_line, file);
    if (note === undefined) return { content: body, seen };
    return { content: `${body}${body.endsWith('\n') ? '' : '\n'}${note}`, ...(capped ? { full: bytes } : {}), seen };
  },
};
