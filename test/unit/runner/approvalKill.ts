import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ApprovalAnswer } from '../../../src/core/ports/approvalGate';
import type { Budgets } from '../../../src/core/runner/budgets';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';

export const SID = 'approval-kill-session' as SessionId;

/** A workspace, a store and a scripted model for `approvalChild` runs. */
export interface KillDir {
  root: string;
  ws: string;
  store: string;
  asks: string;
  server: ScriptedModelServer;
}

export async function killDir(steps: StepInput[], files: Record<string, string> = {}): Promise<KillDir> {
  const root = await mkdtemp(join(tmpdir(), 'savepoint-approvalkill-'));
  const ws = join(root, 'ws');
  await mkdir(ws);
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(ws, p)), { recursive: true });
    await writeFile(join(ws, p), text);
  }
  return { root, ws, store: join(root, 'store'), asks: join(root, 'asks.log'), server: await ScriptedModelServer.start(steps) };
}

export async function removeKillDir(d: KillDir | undefined): Promise<void> {
  if (!d) return;
  await d.server.close();
  await rm(d.root, { recursive: true, force: true });
}

/**
 * One `approvalChild` run: `kill` is a probe point (`point#n` for its n-th hit) or 'none'; `answers`
 * by approval kind (unlisted kinds are approved). Returns how it ended, its status line, and the
 * questions it asked (`<approvalId> <kind>`).
 */
export async function runApprovalChild(d: KillDir, kill: string, answers: Record<string, ApprovalAnswer | 'park'> = {}, budgets?: Budgets): Promise<{ signal: string | null; code: number | null; stderr: string; status?: string; asked: string[] }> {
  const before = await lines(d.asks);
  const p = new FixtureProcess('approvalChild', [d.store, d.ws, d.server.url, SID, kill, JSON.stringify(answers), d.asks, ...(budgets ? [JSON.stringify(budgets)] : [])]);
  const e = await p.exited;
  const status = p.lines.find((l) => l.startsWith('status '))?.slice(7);
  return { ...e, ...(status ? { status } : {}), asked: (await lines(d.asks)).slice(before.length) };
}

export const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** The session's journal, read with the child's store closed. */
export async function journalOf(d: KillDir): Promise<RunnerEvent[]> {
  const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
  try {
    const out: RunnerEvent[] = [];
    for await (const e of store.readEvents(SID)) out.push({ type: e.type, data: e.data } as RunnerEvent);
    return out;
  } finally {
    await store.close();
  }
}
