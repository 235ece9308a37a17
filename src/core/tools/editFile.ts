import { z } from 'zod';
import type { Workspace } from '../ports/workspace';
import { type Span, findAll, findIgnoringWhitespace, findLooseEol, spliceSpans } from './editMatch';
import { type Eol, dominantEol, eolOfRegion, keepBom, keepFinalEol, withEol } from './textFidelity';
import { ToolError, type FileChange, type Tool } from './tool';
import { checkSize, checkWritable, decodeExact, encodeText, jsonInputSchema, lineOf, lineStarts, looksBinary, workspaceCall, writablePath } from './toolSupport';

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

/** Past this many occurrences an edit that is not unique is refused without counting the rest: a data file can hold millions. */
const AMBIGUOUS_COUNT_MAX = 1000;

/**
 * The occurrences of old_text, with CRLF and LF taken as the same line end (the model writes LF; a
 * Windows or mixed file has CRLF), so that in a mixed file an LF copy and a CRLF copy are two
 * occurrences, not one; exactly as written when that finds more (an old_text ending in a CR).
 * replace_all: every one it replaces (non-overlapping). Otherwise every start, overlapping ones too
 * (`aa` is twice in `aaa`), for the uniqueness check, but no more than AMBIGUOUS_COUNT_MAX + 1.
 */
export function locate(text: string, oldText: string, replaceAll: boolean): Span[] {
  const overlapping = !replaceAll;
  const max = replaceAll ? Infinity : AMBIGUOUS_COUNT_MAX + 1;
  const exact = findAll(text, oldText, overlapping, max).map((i) => ({ start: i, end: i + oldText.length }));
  if (!oldText.includes('\n') || (!text.includes('\r\n') && !oldText.includes('\r\n'))) return exact;
  const loose = findLooseEol(text, oldText, overlapping, max);
  return loose.length > exact.length ? loose : exact;
}

function noMatch(file: string, text: string, oldText: string): ToolError {
  if (text === '') return new ToolError('NO_MATCH', `${file} is empty, so old_text cannot be found in it. To give it contents, use write_file.`);
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

/**
 * `text` with `spans` replaced by new_text, written with the line ends of the text it replaces (or
 * the file's, for text within one line). An edit that reaches the end never drops the file's final
 * line break (a lost one is an accident; adding a missing one, as linters ask, is an edit), nor one
 * at the start its BOM.
 */
export function replaced(text: string, spans: readonly Span[], newText: string): string {
  let fileEol: Eol | undefined;
  // The file's line end is looked at once, for all the occurrences (replace_all may have thousands).
  const eolOf = (region: string): Eol => eolOfRegion(region, () => (fileEol ??= dominantEol(text) ?? '\n'));
  const out = spliceSpans(text, spans, (s) => withEol(newText, eolOf(text.slice(s.start, s.end))));
  // An edit at the start (at 1: just after a BOM) may take the BOM out, or put another in.
  const bom = (spans[0]?.start ?? 2) <= 1 ? keepBom(text, out) : out;
  return spans.some((s) => s.end === text.length) ? keepFinalEol(text, bom, false) : bom;
}

/**
 * replace_all of a text within one line by a text without line breaks: no line end to adjust, so
 * one native replaceAll does it, with `replaced`'s BOM and final line break rules. A data file may
 * hold millions of occurrences: a span for each kept the extension host's thread busy for seconds,
 * mostly collecting them. Undefined: not such an edit, or no occurrence.
 */
export function replacedEverywhereInLine(text: string, oldText: string, newText: string): string | undefined {
  if (/[\r\n]/.test(oldText) || /[\r\n]/.test(newText)) return undefined;
  const first = text.indexOf(oldText);
  if (first < 0) return undefined;
  // Literally: a `$` in new_text is not a replacement pattern.
  const joined = text.replaceAll(oldText, newText.replaceAll('$', '$$$$'));
  const bom = first <= 1 ? keepBom(text, joined) : joined;
  return reachesEnd(text, oldText) ? keepFinalEol(text, bom, false) : bom;
}

/**
 * Whether the last of the occurrences replaceAll takes (non-overlapping, from the start) ends the
 * text: only a text that ends with `oldText` is walked (`aa` ends `aaa`, but is not taken there).
 */
function reachesEnd(text: string, oldText: string): boolean {
  if (!text.endsWith(oldText)) return false;
  let end = -1;
  for (let i = text.indexOf(oldText); i !== -1; i = text.indexOf(oldText, i + oldText.length)) end = i + oldText.length;
  return end === text.length;
}

export const editFileTool: Tool<EditFileInput> = {
  name: 'edit_file',
  description:
    'Replace text in an existing file. old_text must match the file exactly (whitespace included) and occur exactly once, ' +
    'unless replace_all is true; LF and CRLF line ends match each other. The file keeps its line ends (CRLF or LF), its byte order mark, ' +
    'and its final line break. To create a file or replace all of it, use write_file.',
  category: 'mutate',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async plan(input, ctx): Promise<FileChange[]> {
    if (input.old_text === '') throw new ToolError('INVALID_INPUT', 'old_text is empty. To create a file or replace all of it, use write_file.');
    if (input.old_text === input.new_text) throw new ToolError('INVALID_INPUT', 'old_text and new_text are the same; nothing would change.');
    const file = await writablePath(ctx.workspace, input.path);
    const st = await workspaceCall(() => ctx.workspace.stat(file));
    if (st?.type === 'file') checkSize(file, st.size, 'change it with run_command (sed, a script) instead.');
    const before = await workspaceCall(() => ctx.workspace.readFile(file));
    if (before === undefined) throw new ToolError('NOT_FOUND', `${file} does not exist. To create it, use write_file.`);
    const text = looksBinary(before) ? undefined : decodeExact(before);
    if (text === undefined) throw new ToolError('INVALID_INPUT', `${file} is not a UTF-8 text file; edit_file cannot change it safely.`);
    const inLine = input.replace_all ? replacedEverywhereInLine(text, input.old_text, input.new_text) : undefined;
    if (inLine !== undefined) return changed(ctx.workspace, file, before, text, inLine);
    const spans = locate(text, input.old_text, input.replace_all);
    if (spans.length === 0) throw noMatch(file, text, input.old_text);
    if (spans.length > 1 && !input.replace_all) {
      const starts = lineStarts(text);
      const lines = [...new Set(spans.map((s) => lineOf(starts, s.start)))];
      const times = spans.length > AMBIGUOUS_COUNT_MAX ? `more than ${AMBIGUOUS_COUNT_MAX}` : String(spans.length);
      throw new ToolError(
        'AMBIGUOUS',
        `old_text occurs ${times} times in ${file} (line${lines.length > 1 ? 's' : ''} ${listLines(lines)}). ` +
          'Include more surrounding lines to make it unique, or set replace_all to true.',
      );
    }
    return changed(ctx.workspace, file, before, text, replaced(text, spans, input.new_text));
  },
};

async function changed(workspace: Workspace, file: string, before: Uint8Array, text: string, after: string): Promise<FileChange[]> {
  if (after === text) throw new ToolError('INVALID_INPUT', `The edit changes nothing in ${file}: new_text is what the file already has there.`);
  await checkWritable(workspace, file, 'change');
  return [{ path: file, before, after: encodeText(after) }];
}
