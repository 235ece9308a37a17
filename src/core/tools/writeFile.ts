import path from 'node:path';
import { z } from 'zod';
import type { Workspace } from '../ports/workspace';
import { likeBefore } from './textFidelity';
import { ToolError, type FileChange, type Tool } from './tool';
import { checkSize, checkWritable, decodeExact, encodeText, jsonInputSchema, looksBinary, workspaceCall, writablePath } from './toolSupport';

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

/** The content to write over `before`: an existing text file keeps its line ends, BOM and final line break. */
function contentOver(before: Uint8Array | null, content: string): Uint8Array {
  const old = before === null || looksBinary(before) ? undefined : decodeExact(before);
  return encodeText(old === undefined ? content : likeBefore(old, content));
}

export const writeFileTool: Tool<WriteFileInput> = {
  name: 'write_file',
  description:
    'Create a file, or replace the whole contents of an existing one. An existing file keeps its line ends (CRLF stays CRLF), ' +
    'its byte order mark, and whether it ends with a line break (add a missing final line break with edit_file). For a small change to an existing file, prefer edit_file.',
  category: 'mutate',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async plan(input, ctx): Promise<FileChange[]> {
    const file = await writablePath(ctx.workspace, input.path);
    const st = await workspaceCall(() => ctx.workspace.stat(file));
    if (st?.type === 'directory') throw new ToolError('IS_DIRECTORY', `${file} is a directory.`);
    if (st === undefined) await checkParents(ctx.workspace, file);
    if (st?.type === 'file') checkSize(file, st.size, 'replace it with run_command instead.');
    await checkWritable(ctx.workspace, file, 'write');
    const before = st === undefined ? null : ((await workspaceCall(() => ctx.workspace.readFile(file))) ?? null);
    return [{ path: file, before, after: contentOver(before, input.content) }];
  },
};
