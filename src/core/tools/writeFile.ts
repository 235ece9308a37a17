import path from 'node:path';
import { z } from 'zod';
import type { Workspace } from '../ports/workspace';
import { ToolError, type FileChange, type Tool } from './tool';
import { encodeText, jsonInputSchema, workspaceCall, workspacePath } from './toolSupport';

const schema = z.strictObject({
  path: z.string().min(1).describe('Workspace-relative path of the file; missing parent directories are created.'),
  content: z.string().describe('The complete new contents of the file.'),
});

export type WriteFileInput = z.infer<typeof schema>;

/** Refuses early when a parent of `file` is a file, so the runner does not fail while applying. */
async function checkParents(ws: Workspace, file: string): Promise<void> {
  for (let dir = path.posix.dirname(file); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) {
    const st = await workspaceCall(() => ws.stat(dir));
    if (st === undefined) continue;
    if (st.type !== 'directory') throw new ToolError('INVALID_INPUT', `Cannot create ${file}: ${dir} is a file, not a directory.`);
    return;
  }
}

export const writeFileTool: Tool<WriteFileInput> = {
  name: 'write_file',
  description: 'Create a file, or replace the whole contents of an existing one. For a small change to an existing file, prefer edit_file.',
  category: 'mutate',
  inputSchema: jsonInputSchema(schema),
  schema,
  async plan(input, ctx): Promise<FileChange[]> {
    const file = await workspacePath(ctx.workspace, input.path);
    const st = await workspaceCall(() => ctx.workspace.stat(file));
    if (st?.type === 'directory') throw new ToolError('IS_DIRECTORY', `${file} is a directory.`);
    if (st === undefined) await checkParents(ctx.workspace, file);
    const before = st === undefined ? null : ((await workspaceCall(() => ctx.workspace.readFile(file))) ?? null);
    return [{ path: file, before, after: encodeText(input.content) }];
  },
};
