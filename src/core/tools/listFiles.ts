import { z } from 'zod';
import type { ListEntry } from '../ports/workspace';
import type { Tool, ToolContext, ToolOutput } from './tool';
import { jsonInputSchema, workspaceCall, workspacePath } from './toolSupport';

const schema = z.strictObject({
  dir: z.string().min(1).default('.').describe("Workspace-relative directory. Default '.' (the workspace root)."),
  recursive: z.boolean().default(false).describe('List subdirectories too. Default false.'),
  limit: z.int().min(1).max(5000).default(500).describe('Stop after this many entries. Default 500.'),
});

export type ListFilesInput = z.infer<typeof schema>;

function formatEntry(e: ListEntry): string {
  switch (e.type) {
    case 'directory':
      return `${e.path}/`;
    case 'symlink':
      return `${e.path} (symlink)`;
    case 'other':
      return `${e.path} (special file)`;
    case 'file':
      return e.path;
  }
}

export const listFilesTool: Tool<ListFilesInput> = {
  name: 'list_files',
  description:
    'List the files and directories under a workspace directory (directories end with /). Paths are workspace-relative. ' +
    'Entries ignored by .gitignore, and .git and node_modules, are left out; a folder they ignore is listed when named as dir.',
  category: 'read',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const dir = await workspacePath(ctx.workspace, input.dir);
    const result = await workspaceCall(() => ctx.workspace.list(dir, { recursive: input.recursive, limit: input.limit }));
    const named = result.ignoredDir ? [ignoredDirNote(dir, 'listed')] : [];
    if (result.entries.length === 0) return { content: [`[${dir} is empty (or everything in it is ignored).]`, ...named].join('\n') };
    const lines = result.entries.map(formatEntry);
    if (result.truncated) {
      lines.push(`[Stopped at ${input.limit} entries; list a subdirectory${input.recursive ? ', or without recursive,' : ''} or raise limit to see more.]`);
      if (input.recursive) lines.push(...(await notReached(ctx, dir, result.entries)));
    }
    return { content: [...lines, ...named].join('\n') };
  },
};

/** Said when the folder the model named is one .gitignore leaves out: looked in all the same. */
export const ignoredDirNote = (dir: string, done: 'listed' | 'searched'): string => `[${dir} is ignored by .gitignore; ${done} because you named it.]`;

/**
 * The entries of `dir` itself that a recursive listing cut at its limit never reached: depth first,
 * the first folders can use up the limit, and the model would not know the others exist.
 */
async function notReached(ctx: ToolContext, dir: string, shown: readonly ListEntry[]): Promise<string[]> {
  const top = await workspaceCall(() => ctx.workspace.list(dir, { recursive: false, limit: NOT_REACHED_MAX }));
  const seen = new Set(shown.map((e) => e.path));
  const unseen = top.entries.filter((e) => !seen.has(e.path)).map(formatEntry);
  return unseen.length ? [`[Not reached, in ${dir}: ${unseen.join(', ')}${top.truncated ? ', ...' : ''}]`] : [];
}

const NOT_REACHED_MAX = 200;
