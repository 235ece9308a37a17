import picomatch from 'picomatch';
import { z } from 'zod';
import { ToolError, type Tool, type ToolContext, type ToolOutput } from './tool';
import { decodeText, formatBytes, jsonInputSchema, looksBinary, workspaceCall, workspacePath } from './toolSupport';
import { LoopSlices } from '../util/loopSlices';

export const SEARCH_MAX_FILE_BYTES = 1024 * 1024;
const SEARCH_MAX_FILES = 50_000;
const MAX_LINE_CHARS = 300;

const schema = z.strictObject({
  pattern: z.string().min(1).describe('Text to look for (literal unless regex is true).'),
  regex: z.boolean().default(false).describe('Treat pattern as a JavaScript regular expression. Default false.'),
  dir: z.string().min(1).default('.').describe("Workspace-relative directory to search under. Default '.'."),
  glob: z.string().min(1).optional().describe("Only files whose workspace-relative path matches this glob (e.g. 'src/**/*.ts'; '*.md' matches by file name)."),
  case_sensitive: z.boolean().default(true).describe('Default true.'),
  max_results: z.int().min(1).max(1000).default(100).describe('Stop after this many matching lines. Default 100.'),
});

export type SearchTextInput = z.infer<typeof schema>;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function buildMatcher(input: SearchTextInput): RegExp {
  const flags = input.case_sensitive ? '' : 'i';
  try {
    return new RegExp(input.regex ? input.pattern : escapeRegExp(input.pattern), flags);
  } catch (e) {
    throw new ToolError('INVALID_INPUT', `pattern is not a valid regular expression: ${(e as Error).message}`);
  }
}

/** The line, shortened around the match when it is very long (minified files). */
function excerpt(line: string, at: number): string {
  const text = line.replace(/\r$/, '');
  if (text.length <= MAX_LINE_CHARS) return text;
  const from = Math.max(0, Math.min(at - 100, text.length - MAX_LINE_CHARS));
  return `${from > 0 ? '…' : ''}${text.slice(from, from + MAX_LINE_CHARS)}${from + MAX_LINE_CHARS < text.length ? '…' : ''}`;
}

interface Scan {
  lines: string[];
  /** More matches existed than max_results. */
  more: boolean;
  skippedLarge: number;
}

async function scanFile(ctx: ToolContext, file: string, re: RegExp, max: number, scan: Scan): Promise<void> {
  const st = await ctx.workspace.stat(file);
  if (st?.type !== 'file') return;
  if (st.size > SEARCH_MAX_FILE_BYTES) {
    scan.skippedLarge++;
    return;
  }
  const bytes = await ctx.workspace.readFile(file);
  if (bytes === undefined || looksBinary(bytes)) return;
  const lines = decodeText(bytes).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = re.exec(line);
    if (!m) continue;
    if (scan.lines.length >= max) {
      scan.more = true;
      return;
    }
    scan.lines.push(`${file}:${i + 1}: ${excerpt(line, m.index)}`);
  }
}

export const searchTextTool: Tool<SearchTextInput> = {
  name: 'search_text',
  description:
    'Search the text files of the workspace for a literal string (or a regular expression with regex: true), line by line. ' +
    'Returns matching lines as `path:line: text`. Respects .gitignore; skips binary files and files over ' +
    `${formatBytes(SEARCH_MAX_FILE_BYTES)}.`,
  category: 'read',
  inputSchema: jsonInputSchema(schema),
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const re = buildMatcher(input);
    const dir = await workspacePath(ctx.workspace, input.dir);
    const isMatch = input.glob === undefined ? () => true : picomatch(input.glob, { dot: true, basename: !input.glob.includes('/') });
    const listing = await workspaceCall(() => ctx.workspace.list(dir, { recursive: true, limit: SEARCH_MAX_FILES }));
    const scan: Scan = { lines: [], more: false, skippedLarge: 0 };
    // Small files are read synchronously: the loop lets the event loop (and a cancel) in every few ms.
    const slices = new LoopSlices();
    for (const entry of listing.entries) {
      if (scan.more) break;
      if (entry.type !== 'file' || !isMatch(entry.path)) continue;
      await slices.next();
      ctx.signal.throwIfAborted();
      await workspaceCall(() => scanFile(ctx, entry.path, re, input.max_results, scan));
    }
    const notes: string[] = [];
    if (scan.more) notes.push(`[Stopped at ${input.max_results} matches; narrow the search (dir, glob) or raise max_results.]`);
    if (listing.truncated) notes.push(`[Only the first ${SEARCH_MAX_FILES} entries under ${dir} were searched; narrow dir.]`);
    if (scan.skippedLarge > 0) notes.push(`[${scan.skippedLarge} files over ${formatBytes(SEARCH_MAX_FILE_BYTES)} were skipped.]`);
    if (scan.lines.length === 0) notes.unshift(`No matches for ${JSON.stringify(input.pattern)} under ${dir}${input.glob ? ` in files matching ${input.glob}` : ''}.`);
    return { content: [...scan.lines, ...notes].join('\n') };
  },
};
