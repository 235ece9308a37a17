import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { ApprovalAnswer } from '../../../src/core/ports/approvalGate';
import type { JournalEvent, SessionId } from '../../../src/core/store/types';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { builtSession } from '../checkpoints/checkpointHarness';
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

/** `rerun`: the answer to "run the interrupted command again?" ('approve', 'reject', or any answer); `check`: the check command run around each step that changes files. */
export function runChild(d: CrashDir, kill: 'apply' | 'ended' | 'start' | 'mark' | 'none', rerun: 'approve' | 'reject' | ApprovalAnswer = 'approve', check?: string): FixtureProcess {
  return new FixtureProcess('crashAtChild', [d.store, d.ws, d.server.url, SID, kill, typeof rerun === 'string' ? rerun : JSON.stringify(rerun), ...(check ? [check] : [])]);
}

/** Savepoint's staged files anywhere under `dir`. */
export async function tempsUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((p) => /(^|\/)\.savepoint-[^/]*\.tmp$/.test(p)).sort();
}

/** A session on disk whose store a child process opens (`rewindChild`). */
export interface Killed {
  root: string;
  ws: string;
  store: string;
  id: SessionId;
  done(): Promise<void>;
}

/** The four-step session of checkpointHarness, on disk, its store closed (a child process opens it). */
export async function builtKilled(): Promise<Killed> {
  const b = await builtSession();
  await b.h.store.close();
  return { root: b.h.root, ws: b.h.workspace, store: join(b.h.root, 'store'), id: b.id, done: async () => { await b.h.server.close(); await rm(b.h.root, { recursive: true, force: true }); } };
}

/** A `rewindChild` run: its exit, and its result when it was not killed. */
export async function child(k: Killed, op: 'rewind' | 'undo', kill: string, target = 0, mode = 'files', message?: string): Promise<{ signal: string | null; code: number | null; stderr: string; out?: Record<string, unknown> }> {
  const p = new FixtureProcess('rewindChild', [k.store, k.ws, k.id, op, kill, String(target), mode, ...(message ? [message] : [])]);
  const e = await p.exited;
  const last = p.lines.filter(Boolean).at(-1);
  return { ...e, ...(e.code === 0 && last ? { out: JSON.parse(last) as Record<string, unknown> } : {}) };
}

/** Opens the session's store (the child's is closed or killed) for `f`, then closes it. */
export async function withStore<T>(k: Killed, f: (s: Awaited<ReturnType<typeof openCheckpointStore>>, ws: NodeWorkspace) => Promise<T>): Promise<T> {
  const s = await openCheckpointStore({ dir: k.store, onLocked: 'fail' });
  try {
    return await f(s, new NodeWorkspace(k.ws));
  } finally {
    await s.close();
  }
}

/** After each test, closes the scripted model of the test's crash folder (`current`), removes the folder and `forget`s it. */
export function removeAfterEach(current: () => CrashDir | undefined, forget: () => void): void {
  afterEach(async () => {
    const c = current();
    forget();
    if (!c) return;
    await c.server.close();
    await rm(c.root, { recursive: true, force: true });
  });
}

/** The session's journal in the crash folder's store, read whole (the store opened and closed around it). */
export async function journalOf(c: CrashDir): Promise<JournalEvent[]> {
  const store = await openCheckpointStore({ dir: c.store, onLocked: 'fail' });
  try {
    const out: JournalEvent[] = [];
    for await (const e of store.readEvents(SID as SessionId)) out.push(e);
    return out;
  } finally {
    await store.close();
  }
}
