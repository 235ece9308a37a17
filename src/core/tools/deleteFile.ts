import { z } from 'zod';
import { ToolError, type FileChange, type Tool } from './tool';
import { checkSize, checkWritable, jsonInputSchema, workspaceCall, writablePath } from './toolSupport';

const schema = z.strictObject({
  path: z.string().min(1).describe('Workspace-relative path of the file to delete.'),
});

export type DeleteFileInput = z.infer<typeof schema>;

export const deleteFileTool: Tool<DeleteFileInput> = {
  name: 'delete_file',
  description: 'Delete one file from the workspace (not a directory).',
  category: 'mutate',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async plan(input, ctx): Promise<FileChange[]> {
    const file = await writablePath(ctx.workspace, input.path);
    if (file === '.') throw new ToolError('IS_DIRECTORY', 'The workspace root is a directory.');
    const st = await workspaceCall(() => ctx.workspace.stat(file));
    if (st === undefined) throw new ToolError('NOT_FOUND', `${file} does not exist.`);
    if (st.type === 'directory') throw new ToolError('IS_DIRECTORY', `${file} is a directory; delete_file deletes files only.`);
    if (st.type === 'file') checkSize(file, st.size, 'delete it with run_command (rm) instead.');
    const before = await workspaceCall(() => ctx.workspace.readFile(file));
    if (before === undefined) throw new ToolError('NOT_FOUND', `${file} does not exist.`);
    await checkWritable(ctx.workspace, file, 'delete');
    // The path itself a symlink: the deletion removes the link, and a rewind re-creates the link (not a copy of what it led to).
    const [link] = await workspaceCall(() => ctx.workspace.linksOnWay([file]));
    const beforeLink = link?.path === file ? link.to : undefined;
    return [{ path: file, before, after: null, beforeExec: st.executable === true, ...(st.mode !== undefined && beforeLink === undefined ? { beforeMode: st.mode } : {}), ...(beforeLink !== undefined ? { beforeLink } : {}) }];
  },
};
