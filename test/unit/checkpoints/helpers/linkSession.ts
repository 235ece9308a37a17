import assert from 'node:assert/strict';
import { lstat, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../../src/core/node/nodeWorkspace';
import type { SessionId } from '../../../../src/core/store/types';
import type { StepInput } from '../../../../src/core/scripted/scenario';
import { type Harness, harness } from '../../runner/runnerHarness';

/** What is at `p` under `root`, in words: 'absent', 'link to X', or 'file ' and its text. */
export async function entryKind(root: string, p: string): Promise<string> {
  const abs = join(root, p);
  const st = await lstat(abs).catch(() => undefined);
  return !st ? 'absent' : st.isSymbolicLink() ? `link to ${await readlink(abs)}` : `file ${await readFile(abs, 'utf8')}`;
}

/**
 * A real runner session over a workspace holding AGENTS.md ('rules') and CLAUDE.md, a symlink to
 * it, run to completion with these steps. `keep` gets the harness as soon as it exists, for the
 * caller's afterEach to close it.
 */
export async function linkSession(steps: StepInput[], keep: (h: Harness) => void): Promise<{ h: Harness; id: SessionId; ws: NodeWorkspace }> {
  const h = await harness(steps, { 'AGENTS.md': 'rules\n' });
  keep(h);
  await symlink('AGENTS.md', join(h.workspace, 'CLAUDE.md'));
  const runner = h.runner();
  const id = await h.start(runner, 'tidy');
  assert.equal((await runner.run(id)).status, 'completed');
  return { h, id, ws: new NodeWorkspace(h.workspace) };
}
