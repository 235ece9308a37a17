import { z } from 'zod';
import { findAll, findIgnoringWhitespace, spliceAll } from './editMatch';
import { ToolError, type FileChange, type Tool } from './tool';
import { decodeExact, encodeText, jsonInputSchema, lineOf, lineStarts, looksBinary, workspaceCall, workspacePath } from './toolSupport';

const schema = z.strictObject({
  path: z.string().min(1).describe('Workspace-relative path of the file to edit.'),
  old_text: z.string().describe('The exact text to replace, including whitespace and indentation. Must occur exactly once unless replace_all is true.'),
  new_text: z.string().describe('The text to put in its place.'),
  replace_all: z.boolean().default(false).describe('Replace every occurrence of old_text. Default false.'),
});

export type EditFileInput = z.infer<typeof schema>;

function listLines(lines: readonly number[]): string {
  const shown = lines.slice(0, 20).join(', ');
  return lines.length > 20 ? `${shown}, ...` : shown;
}

/** The occurrences of old_text, trying CRLF line ends when the file uses them and the model wrote LF. */
function locate(text: string, input: EditFileInput): { at: number[]; oldText: string; newText: string } {
  const at = findAll(text, input.old_text);
  if (at.length > 0 || !text.includes('\r\n') || !input.old_text.includes('\n') || input.old_text.includes('\r')) {
    return { at, oldText: input.old_text, newText: input.new_text };
  }
  const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
  return { at: findAll(text, crlf(input.old_text)), oldText: crlf(input.old_text), newText: crlf(input.new_text) };
}

function noMatch(file: string, text: string, oldText: string): ToolError {
  const near = findIgnoringWhitespace(text, oldText);
  if (near.length === 0) {
    return new ToolError('NO_MATCH', `old_text was not found in ${file}. Read the file again and copy the text exactly.`);
  }
  const starts = lineStarts(text);
  const lines = near.map((i) => lineOf(starts, i));
  return new ToolError(
    'NO_MATCH',
    `old_text was not found exactly in ${file}, but it matches when whitespace is ignored at line${lines.length > 1 ? 's' : ''} ` +
      `${listLines(lines)}. Copy the text exactly as it is in the file, including indentation and line breaks.`,
  );
}

export const editFileTool: Tool<EditFileInput> = {
  name: 'edit_file',
  description:
    'Replace text in an existing file. old_text must match the file exactly (whitespace included) and occur exactly once, ' +
    'unless replace_all is true. To create a file or replace all of it, use write_file.',
  category: 'mutate',
  inputSchema: jsonInputSchema(schema),
  schema,
  async plan(input, ctx): Promise<FileChange[]> {
    if (input.old_text === '') throw new ToolError('INVALID_INPUT', 'old_text is empty. To create a file or replace all of it, use write_file.');
    if (input.old_text === input.new_text) throw new ToolError('INVALID_INPUT', 'old_text and new_text are the same; nothing would change.');
    const file = await workspacePath(ctx.workspace, input.path);
    const before = await workspaceCall(() => ctx.workspace.readFile(file));
    if (before === undefined) throw new ToolError('NOT_FOUND', `${file} does not exist. To create it, use write_file.`);
    const text = looksBinary(before) ? undefined : decodeExact(before);
    if (text === undefined) throw new ToolError('INVALID_INPUT', `${file} is not a UTF-8 text file; edit_file cannot change it safely.`);
    const { at, oldText, newText } = locate(text, input);
    if (at.length === 0) throw noMatch(file, text, oldText);
    if (at.length > 1 && !input.replace_all) {
      const starts = lineStarts(text);
      throw new ToolError(
        'AMBIGUOUS',
        `old_text occurs ${at.length} times in ${file} (lines ${listLines(at.map((i) => lineOf(starts, i)))}). ` +
          'Include more surrounding lines to make it unique, or set replace_all to true.',
      );
    }
    return [{ path: file, before, after: encodeText(spliceAll(text, at, oldText.length, newText)) }];
  },
};
