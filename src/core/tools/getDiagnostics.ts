import { z } from 'zod';
import type { Diagnostic } from '../ports/diagnostics';
import { ToolError, type Tool, type ToolOutput } from './tool';
import { jsonInputSchema, workspacePath } from './toolSupport';

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
  inputSchema: jsonInputSchema(schema),
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const paths = input.paths ? await Promise.all(input.paths.map((p) => workspacePath(ctx.workspace, p))) : undefined;
    let found: Diagnostic[];
    try {
      found = await ctx.diagnostics.collect(paths && !paths.includes('.') ? paths : undefined, ctx.signal);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new ToolError('FAILED', `Diagnostics are not available: ${e instanceof Error ? e.message : String(e)}`);
    }
    const scope = paths ? paths.join(', ') : 'the workspace';
    if (found.length === 0) return { content: `No problems found in ${scope}.` };
    const sorted = [...found].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
    const lines = sorted.slice(0, input.max_results).map(formatDiagnostic);
    const errors = found.filter((d) => d.severity === 'error').length;
    lines.push(`[${found.length} findings (${errors} errors) in ${scope}${found.length > input.max_results ? `; showing the first ${input.max_results}` : ''}.]`);
    return { content: lines.join('\n') };
  },
};
