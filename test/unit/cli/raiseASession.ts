import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const run = promisify(execFile);
export const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

/**
 * The session the export and import tests carry about: the real CLI with the scripted model raises
 * `a` to two in `ws` (a write_file), then a command writes a 1.2 MB big.txt, over the workspace's
 * size limit of 1 MB (kept by hash only). Returns the session's id.
 */
export async function raiseASession(ws: string, store: string, env: NodeJS.ProcessEnv): Promise<string> {
  await mkdir(join(ws, '.vscode'), { recursive: true });
  await writeFile(join(ws, '.vscode', 'settings.json'), '{ "savepoint.checkpoints.maxFileSizeMB": 1 }\n');
  await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
  const server = await ScriptedModelServer.start([
    { type: 'message', content: [{ type: 'text', text: 'Raising a to two.' }, { type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
    { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'yes x | head -c 1200000 > big.txt' } }] },
    { type: 'message', content: [{ type: 'text', text: 'All done: a is 2 now.' }] },
  ]);
  try {
    const started = await run(process.execPath, [CLI, 'run', '--approvals', 'yes', 'raise a', '--workspace', ws, '--store', store, '--base-url', server.url], { env });
    return (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
  } finally {
    await server.close();
  }
}
