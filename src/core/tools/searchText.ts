import picomatch from 'picomatch';
import { z } from 'zod';
import type { ListEntry } from '../ports/workspace';
import { ToolError, type Tool, type ToolContext, type ToolOutput } from './tool';
import { LineSearch, SearchTimeout } from './lineSearch';
import { decodeText, formatBytes, jsonInputSchema, looksBinary, workspaceCall, workspacePath } from './toolSupport';
import { LoopSlices } from '../util/loopSlices';
import { ignoredDirNote } from './listFiles';
import { count } from '../util/plural';

export const SEARCH_MAX_FILE_BYTES = 1024 * 1024;
const SEARCH_MAX_FILES = 50_000;
const MAX_LINE_CHARS = 300;
/** Text sent to the matcher at once; each batch has SEARCH_BATCH_BUDGET_MS. */
const BATCH_CHARS = 1024 * 1024;
/** A batch of at most about a megabyte taking this long is a pattern that backtracks without end. */
export const SEARCH_BATCH_BUDGET_MS = 3000;

const schema = z.strictObject({
  pattern: z.string().min(1).describe('Text to look for (literal unless regex is true), within one line.'),
  regex: z.boolean().default(false).describe('Treat pattern as a JavaScript regular expression, in Unicode mode (\\p{L} is a letter). Default false.'),
  dir: z.string().min(1).default('.').describe("Workspace-relative directory to search under (or one file). Default '.'."),
  glob: z.string().min(1).optional().describe("Only files whose workspace-relative path matches this glob (e.g. 'src/**/*.ts'; '*.md' matches by file name)."),
  case_sensitive: z.boolean().default(true).describe('Default true.'),
  max_results: z.int().min(1).max(1000).default(100).describe('Stop after this many matching lines. Default 100.'),
});

export type SearchTextInput = z.infer<typeof schema>;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function buildMatcher(input: SearchTextInput): RegExp {
  if (!input.regex && /[\r\n]/.test(input.pattern)) {
    throw new ToolError('INVALID_INPUT', 'pattern holds a line break, but search_text matches one line at a time: search for one line of it.');
  }
  const flags = input.case_sensitive ? '' : 'i';
  try {
    if (!input.regex) return new RegExp(escapeRegExp(input.pattern), flags);
    // Unicode mode, where \p{L} is a letter and \u{1F600} one character (without it they match "p{L}", 41 u's);
    // a pattern that is valid only without it (\" and other needless escapes) is read as before.
    return unicodeRegExp(input.pattern, flags) ?? new RegExp(input.pattern, flags);
  } catch (e) {
    throw new ToolError('INVALID_INPUT', `pattern is not a valid regular expression: ${(e as Error).message}`);
  }
}

function unicodeRegExp(pattern: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(pattern, `${flags}u`);
  } catch {
    return undefined;
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
  /** The file the pattern ran too long on (the search stopped there). */
  slow?: string;
}

/** The text of a file to search, or undefined for one that is skipped (too large, binary, gone). */
async function textOf(ctx: ToolContext, file: string, scan: Scan): Promise<string | undefined> {
  const st = await ctx.workspace.stat(file);
  if (st?.type !== 'file') return undefined;
  if (st.size > SEARCH_MAX_FILE_BYTES) {
    scan.skippedLarge++;
    return undefined;
  }
  const bytes = await ctx.workspace.readFile(file);
  return bytes === undefined || looksBinary(bytes) ? undefined : decodeText(bytes);
}

/** Matches one batch of files (see LineSearch); the matching lines go to `scan`. */
async function matchBatch(search: LineSearch, batch: { file: string; text: string }[], max: number, scan: Scan, signal: AbortSignal): Promise<void> {
  const left = max - scan.lines.length;
  let hits;
  try {
    hits = await search.match(
      batch.map((b) => b.text),
      left,
      signal,
    );
  } catch (e) {
    if (!(e instanceof SearchTimeout)) throw e;
    scan.slow = batch[e.text]?.file ?? batch[0]?.file;
    return;
  }
  if (hits.length > left) scan.more = true;
  const split = new Map<number, string[]>();
  for (const [t, i, at] of hits.slice(0, left)) {
    const b = batch[t] as { file: string; text: string };
    if (!split.has(t)) split.set(t, b.text.split('\n'));
    scan.lines.push(`${b.file}:${i + 1}: ${excerpt(split.get(t)?.[i] ?? '', at)}`);
  }
}

/** The files to search: those under `dir`, or `dir` itself when it is a file. */
async function filesUnder(ctx: ToolContext, dir: string): Promise<{ entries: ListEntry[]; truncated: boolean; ignoredDir?: true }> {
  const st = await workspaceCall(() => ctx.workspace.stat(dir));
  if (st?.type === 'file') return { entries: [{ path: dir, type: 'file' }], truncated: false };
  return workspaceCall(() => ctx.workspace.list(dir, { recursive: true, limit: SEARCH_MAX_FILES }));
}

async function scanAll(ctx: ToolContext, input: SearchTextInput, re: RegExp, entries: readonly ListEntry[], isMatch: (p: string) => boolean): Promise<Scan> {
  const scan: Scan = { lines: [], more: false, skippedLarge: 0 };
  const search = new LineSearch(re, !input.regex, SEARCH_BATCH_BUDGET_MS);
  try {
    // Small files are read synchronously: the loop lets the event loop (and a cancel) in every few ms.
    const slices = new LoopSlices();
    let batch: { file: string; text: string }[] = [];
    let chars = 0;
    const flush = async () => {
      if (batch.length > 0) await matchBatch(search, batch, input.max_results, scan, ctx.signal);
      batch = [];
      chars = 0;
    };
    for (const entry of entries) {
      if (scan.more || scan.slow) break;
      if (entry.type !== 'file' || !isMatch(entry.path)) continue;
      await slices.next();
      ctx.signal.throwIfAborted();
      const text = await workspaceCall(() => textOf(ctx, entry.path, scan));
      if (text === undefined) continue;
      if (chars + text.length > BATCH_CHARS) await flush();
      batch.push({ file: entry.path, text });
      chars += text.length;
    }
    if (!scan.more && !scan.slow) await flush();
  } finally {
    await search.close();
  }
  return scan;
}

export const searchTextTool: Tool<SearchTextInput> = {
  name: 'search_text',
  description:
    'Search the text files of the workspace for a literal string (or a regular expression with regex: true), line by line. ' +
    'Returns matching lines as `path:line: text`. Respects .gitignore (a folder it ignores, such as node_modules/x, is searched when named as dir); skips binary files and files over ' +
    `${formatBytes(SEARCH_MAX_FILE_BYTES)}.`,
  category: 'read',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const re = buildMatcher(input);
    const dir = await workspacePath(ctx.workspace, input.dir);
    const isMatch = input.glob === undefined ? () => true : picomatch(input.glob, { dot: true, basename: !input.glob.includes('/') });
    const listing = await filesUnder(ctx, dir);
    const scan = await scanAll(ctx, input, re, listing.entries, isMatch);
    const notes: string[] = [];
    if (scan.slow) {
      notes.push(
        `[Stopped: the regular expression ran for more than ${SEARCH_BATCH_BUDGET_MS / 1000} s on ${scan.slow} (nested quantifiers such as (a+)+ backtrack without end). ` +
          'Simplify the pattern, or search a literal part of it.]',
      );
    }
    if (scan.more) notes.push(`[Stopped at ${input.max_results} matches; narrow the search (dir, glob) or raise max_results.]`);
    if (listing.truncated) notes.push(`[Only the first ${SEARCH_MAX_FILES} entries under ${dir} were searched; narrow dir.]`);
    if (listing.ignoredDir) notes.push(ignoredDirNote(dir, 'searched'));
    if (scan.skippedLarge > 0) notes.push(`[${count(scan.skippedLarge, 'file')} over ${formatBytes(SEARCH_MAX_FILE_BYTES)} ${scan.skippedLarge === 1 ? 'was' : 'were'} skipped.]`);
    // Not "no matches" in a listing that was cut: only in the part searched.
    const where = listing.truncated ? `in the first ${SEARCH_MAX_FILES} entries under ${dir}` : `under ${dir}`;
    if (scan.lines.length === 0 && !scan.slow) notes.unshift(`No matches for ${JSON.stringify(input.pattern)} ${where}${input.glob ? ` in files matching ${input.glob}` : ''}.${multiLine(input)}`);
    return { content: [...scan.lines, ...notes].join('\n'), ...(scan.slow ? { isError: true } : {}) };
  },
};

/** A regular expression that looks for a line break never matches: the search is line by line. */
const multiLine = (input: SearchTextInput): string => (input.regex && /\\n|\\r|\n/.test(input.pattern) ? ' (search_text matches within one line, so a line break in the pattern never matches.)' : '');
