import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readListSnapshot } from '../../src/core/store/listSnapshot';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { BlobHash, SessionId } from '../../src/core/store/types';
import { type ConversationState, EVENT, type FileVersionEvent, applyEvent } from './checkpoint';

/**
 * The fresh-process half of W1. Imports only the store (and the event shapes), then times what a
 * new editor window would do, and prints one JSON line. Verification is done after the clock stops.
 *   node child.js resume STORE SESSION
 *   node child.js rewind STORE SESSION WORKSPACE STEP
 *   node child.js list   STORE          (as `savepoint list`: the store's list at rest when it is valid)
 *   node child.js list-store STORE     (always through the store)
 */
const td = new TextDecoder();

/** CPU time (user + system, all threads) since `from`, in ms: on a shared machine wall time also counts waiting for a core. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};

async function resume(dir: string, sid: SessionId): Promise<Record<string, unknown>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const store = await openCheckpointStore({ dir, onLocked: 'fail' });
  const t1 = performance.now();
  const load = await store.loadSession<ConversationState>(sid);
  const snap = load.snapshot?.state;
  const state: ConversationState = snap
    ? { step: snap.step, messages: [...snap.messages], files: { ...snap.files } }
    : { step: 0, messages: [], files: {} };
  let tail = 0;
  for await (const e of load.tail) {
    applyEvent(state, e.type, e.data);
    tail++;
  }
  const t2 = performance.now();
  const blobs = await store.getBlobs(state.messages);
  const conversation = blobs.map((b) => JSON.parse(td.decode(b)) as { role: string });
  const t3 = performance.now();
  const cpu = cpuMs(c0);
  const digest = createHash('sha256');
  for (const b of blobs) digest.update(b);
  const damaged = load.damage() !== undefined;
  await store.close();
  return {
    ms: t3 - t0,
    cpu_ms: cpu,
    open_ms: t1 - t0,
    journal_ms: t2 - t1,
    blobs_ms: t3 - t2,
    snapshotSeq: load.snapshot?.seq ?? 0,
    tailEvents: tail,
    messages: conversation.length,
    stepCount: load.summary.stepCount,
    files: state.files,
    digest: digest.digest('hex'),
    damaged,
  };
}

async function rewind(dir: string, sid: SessionId, workspace: string, step: number): Promise<Record<string, unknown>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const store = await openCheckpointStore({ dir, onLocked: 'fail' });
  const t1 = performance.now();
  // Walk back from the head: the first change of a file after `step` names, as its base, the
  // version the file had at `step`. Files not changed since are already right on disk.
  const target = new Map<string, BlobHash>();
  for await (const e of store.readEvents(sid, { reverse: true })) {
    if (e.step <= step) break;
    if (e.type === EVENT.fileVersion) {
      const v = e.data as FileVersionEvent;
      target.set(v.path, v.base);
    }
  }
  const t2 = performance.now();
  const contents = await store.getBlobs([...target.values()]);
  await Promise.all([...target.keys()].map((path, i) => writeFile(join(workspace, path), contents[i] as Uint8Array)));
  const t3 = performance.now();
  const cpu = cpuMs(c0);
  await store.close();
  return { ms: t3 - t0, cpu_ms: cpu, open_ms: t1 - t0, journal_ms: t2 - t1, restore_ms: t3 - t2, files: target.size };
}

/**
 * As `savepoint list` lists: the rows the store's last clean close left beside it (listSnapshot.ts)
 * while nothing has opened it since, else through the store. `throughStore` skips the first.
 */
async function list(dir: string, throughStore: boolean): Promise<Record<string, unknown>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows: { id: string; title: string; steps: number; updated: number }[] = [];
  const atRest = throughStore ? undefined : readListSnapshot(dir);
  let t1 = performance.now();
  let pages = 0;
  let cleanUp: () => Promise<void> = async () => undefined;
  if (atRest) {
    for (const s of atRest) rows.push({ id: s.id, title: s.title, steps: s.stepCount, updated: s.updatedAt });
  } else {
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    t1 = performance.now();
    let cursor: string | undefined;
    do {
      const page = await store.listSessions(cursor === undefined ? {} : { cursor });
      for (const s of page.sessions) rows.push({ id: s.id, title: s.title, steps: s.stepCount, updated: s.updatedAt });
      cursor = page.cursor;
      pages++;
    } while (cursor !== undefined);
    cleanUp = () => store.close();
  }
  const t2 = performance.now();
  const cpu = cpuMs(c0);
  await cleanUp();
  const sorted = rows.every((r, i) => i === 0 || (rows[i - 1]?.updated ?? 0) >= r.updated);
  const steps = rows.reduce((n, r) => n + r.steps, 0);
  return { ms: t2 - t0, cpu_ms: cpu, via: atRest ? 'snapshot' : 'store', open_ms: t1 - t0, list_ms: t2 - t1, pages, sessions: rows.length, steps, sorted, ids: new Set(rows.map((r) => r.id)).size };
}

async function main(): Promise<Record<string, unknown>> {
  const [mode, dir, sid, workspace, step] = process.argv.slice(2);
  if (mode === 'resume' && dir && sid) return resume(dir, sid as SessionId);
  if (mode === 'rewind' && dir && sid && workspace && step) return rewind(dir, sid as SessionId, workspace, Number(step));
  if ((mode === 'list' || mode === 'list-store') && dir) return list(dir, mode === 'list-store');
  throw new Error(`usage: child.js resume|rewind|list|list-store ... (got ${process.argv.slice(2).join(' ')})`);
}

main().then(
  (out) => process.stdout.write(JSON.stringify(out) + '\n'),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
