import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { BlobHash, SessionId } from '../../../src/core/store/types';
import { finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

export const A0 = 'export function alpha() {\n  return 1;\n}\n\nexport function beta() {\n  return 2;\n}\n';
export const A2 = A0.replace('return 1;', 'return 10;');
export const A3 = A2.replace('return 2;', 'return 20;');
export const NEW = 'export const n = 1;\n';
export const NOTES = 'old notes\n';

export const FILES = { 'src/a.ts': A0, 'README.md': '# demo\n', 'notes.txt': NOTES };

/**
 * Step 1 creates src/new.ts; step 2 edits alpha in src/a.ts; step 3 deletes notes.txt and edits
 * beta (two calls in one turn); step 4 ends the session.
 */
export const STEPS = () => [
  toolUse('t1', 'write_file', { path: 'src/new.ts', content: NEW }),
  toolUse('t2', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }, { toolResultFor: 't1', toolResultIsError: false }),
  {
    type: 'message' as const,
    content: [
      { type: 'tool_use' as const, id: 't3', name: 'delete_file', input: { path: 'notes.txt' } },
      { type: 'tool_use' as const, id: 't4', name: 'edit_file', input: { path: 'src/a.ts', old_text: 'return 2;', new_text: 'return 20;' } },
    ],
    expect: { toolResultFor: 't2', toolResultIsError: false },
  },
  finalText('done', { toolResultFor: 't4', toolResultIsError: false }),
];

export const sha = (text: string): BlobHash => createHash('sha256').update(text).digest('hex') as BlobHash;

export interface Built {
  h: Harness;
  id: SessionId;
  ws: NodeWorkspace;
}

/** The four-step session above, run to completion by the real runner. */
export async function builtSession(): Promise<Built> {
  const h = await harness(STEPS(), FILES);
  const runner = h.runner();
  const id = await h.start(runner, 'restructure');
  const out = await runner.run(id);
  if (out.status !== 'completed') throw new Error(`the session did not complete: ${JSON.stringify(out)}`);
  return { h, id, ws: new NodeWorkspace(h.workspace) };
}

/** Every file under the workspace: relative path -> contents and mtime. */
export async function snapshotDir(root: string): Promise<Map<string, { bytes: Buffer; mtimeMs: number }>> {
  const out = new Map<string, { bytes: Buffer; mtimeMs: number }>();
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out.set(relative(root, full).split('\\').join('/'), { bytes: await readFile(full), mtimeMs: (await stat(full)).mtimeMs });
  }
  return out;
}

export const contents = (snap: Map<string, { bytes: Buffer }>): Record<string, string> =>
  Object.fromEntries([...snap].sort(([a], [b]) => a.localeCompare(b)).map(([p, v]) => [p, v.bytes.toString('utf8')]));
