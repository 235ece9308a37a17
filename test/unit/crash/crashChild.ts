import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { FixtureProcess } from '../../fixtures/storeChild';

/** A workspace, a store folder and a scripted model for `crashAtChild` runs. */
export interface CrashDir {
  root: string;
  ws: string;
  store: string;
  sig: string;
  server: ScriptedModelServer;
}

export async function crashDir(steps: StepInput[], files: Record<string, string>): Promise<CrashDir> {
  const root = await mkdtemp(join(tmpdir(), 'savepoint-crashat-'));
  const ws = join(root, 'ws');
  await mkdir(ws);
  await mkdir(join(root, 'sig'));
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(ws, p)), { recursive: true });
    await writeFile(join(ws, p), text);
  }
  return { root, ws, store: join(root, 'store'), sig: join(root, 'sig'), server: await ScriptedModelServer.start(steps) };
}

export const SID = 'crash-at-session';

export function runChild(d: CrashDir, kill: 'apply' | 'none', rerun: 'approve' | 'reject' = 'approve'): FixtureProcess {
  return new FixtureProcess('crashAtChild', [d.store, d.ws, d.server.url, SID, kill, rerun]);
}

/** Savepoint's staged files anywhere under `dir`. */
export async function tempsUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((p) => /(^|\/)\.savepoint-[^/]*\.tmp$/.test(p)).sort();
}
