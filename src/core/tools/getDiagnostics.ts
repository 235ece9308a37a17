import { z } from 'zod';
import type { Diagnostic, Diagnostics, NotUnderstood } from '../ports/diagnostics';
import type { Workspace } from '../ports/workspace';
import { ToolError, type Tool, type ToolOutput } from './tool';
import { jsonInputSchema, workspaceCall, workspacePath } from './toolSupport';
import { count } from '../util/plural';
import { notUnderstoodText } from './notUnderstood';

const schema = z.strictObject({
  paths: z.array(z.string().min(1)).max(100).optional().describe('Workspace-relative files or directories to report on. Default: the whole workspace.'),
  max_results: z.int().min(1).max(1000).default(200).describe('Report at most this many findings. Default 200.'),
});

export type GetDiagnosticsInput = z.infer<typeof schema>;

const RANK: Record<Diagnostic['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

function formatDiagnostic(d: Diagnostic): string {
  const tag = d.source || d.code ? ` [${[d.source, d.code].filter(Boolean).join(' ')}]` : '';
  const [first, ...more] = d.message.split('\n');
  return [`${d.path}:${d.line}:${d.column} ${d.severity} ${first ?? ''}${tag}`, ...more.map((m) => `    ${m}`)].join('\n');
}

export const getDiagnosticsTool: Tool<GetDiagnosticsInput> = {
  name: 'get_diagnostics',
  description:
    'Get the current compiler and linter findings (errors first) as `path:line:col severity message`, for some files or the whole workspace. ' +
    'Use it after editing to check the code still builds.',
  category: 'read',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const paths = input.paths ? await Promise.all(input.paths.map((p) => workspacePath(ctx.workspace, p))) : undefined;
    // A misspelt path would read 'No problems found in src/compnent.ts'.
    const missing = (await Promise.all((paths ?? []).map(async (p) => ((await workspaceCall(() => ctx.workspace.stat(p))) === undefined ? [p] : [])))).flat();
    if (missing.length > 0) throw new ToolError('NOT_FOUND', `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist.`);
    const scoped = paths && !paths.includes('.') ? paths : undefined;
    const source = ctx.diagnostics;
    let found: Diagnostic[];
    let notUnderstood: NotUnderstood | undefined;
    try {
      // A source that reports on some files only (the editor's open files) is asked to check the named ones first.
      const unseen = scoped && source.reports ? scoped.filter((p) => !source.reports?.(p)) : [];
      // One it could not ask about is said to be unchecked below.
      if (unseen.length && source.prepare) await source.prepare(unseen, ctx.signal).catch((e: unknown) => {
        if (ctx.signal.aborted) throw e;
      });
      // A check command's report says which lines of its output it could not read: findings may be among them.
      if (source.collectReport) ({ findings: found, notUnderstood } = await source.collectReport(scoped, ctx.signal));
      else found = await source.collect(scoped, ctx.signal);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new ToolError('FAILED', `Diagnostics are not available: ${e instanceof Error ? e.message : String(e)}`);
    }
    const { unchecked, note } = source.reports ? await coverage(ctx.workspace, source, scoped, found) : { unchecked: [], note: '' };
    const partly = (note ? `\n[${note}.]` : '') + unreadLines(notUnderstood);
    const checked = paths?.filter((p) => !unchecked.includes(p));
    const scope = checked ? checked.join(', ') : 'the workspace';
    if (found.length === 0) return { content: checked?.length === 0 ? `${note[0]?.toUpperCase() ?? ''}${note.slice(1)}.${unreadLines(notUnderstood)}` : `No problems found in ${scope}.${partly}` };
    const sorted = [...found].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
    const lines = sorted.slice(0, input.max_results).map(formatDiagnostic);
    const errors = found.filter((d) => d.severity === 'error').length;
    lines.push(`[${count(found.length, 'finding')} (${count(errors, 'error')}) in ${scope}${found.length > input.max_results ? `; showing the first ${input.max_results}` : ''}.]${partly}`);
    return { content: lines.join('\n') };
  },
};

/**
 * The lines of the check output that no parser read, after the list: the model sees what the findings
 * may be missing (a linker error, a checker's format not known here) instead of a clean "no problems".
 */
function unreadLines(n: NotUnderstood | undefined): string {
  if (!n || n.count === 0) return '';
  const more = n.count - n.lines.length;
  const rest = more > 0 ? [`  ... and ${more} more`] : [];
  return `\n[${notUnderstoodText(n.count)}: the list may be incomplete.]\n${[...n.lines.map((l) => `  not understood: ${l}`), ...rest].join('\n')}`;
}

/**
 * What a source that reports on some files only did not check: the named files it does not report on,
 * and, for a folder or the whole workspace, that only some of the files in it were checked (`note` '' when all were).
 */
async function coverage(ws: Workspace, source: Diagnostics, scoped: readonly string[] | undefined, found: readonly Diagnostic[]): Promise<{ unchecked: string[]; note: string }> {
  const notes: string[] = [];
  const folders: string[] = [];
  const unchecked: string[] = [];
  for (const p of scoped ?? []) {
    if ((await ws.stat(p).catch(() => undefined))?.type === 'directory') folders.push(p);
    else if (!source.reports?.(p) && !found.some((d) => d.path === p)) unchecked.push(p);
  }
  if (unchecked.length) notes.push(`not checked: ${unchecked.join(', ')} (the editor has no findings for ${unchecked.length === 1 ? 'it' : 'them'}: not open in it, nor a script it could be asked about)`);
  if (!scoped || folders.length) notes.push(`in ${scoped ? folders.join(', ') : 'the workspace'}, only the files open in the editor and the scripts this session changed or named were checked; name a script in paths to have it checked`);
  return { unchecked, note: notes.join('; ') };
}
