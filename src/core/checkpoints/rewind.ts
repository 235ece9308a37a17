import type { Workspace } from '../ports/workspace';
import type { CheckpointStore } from '../store/checkpointStore';
import type { SessionId } from '../store/types';
import { eachLimited } from '../util/eachLimited';
import { CheckpointError, type RewindData, type RewindUndoneData, type RewoundFile, requireIdle } from './checkpointEvents';
import { blobsOf, readDisk } from './fileContents';
import { lastStepOf } from './fileHistory';
import { forkSession } from './fork';
import type { RewindFilePlan, RewindPlan, UndoPlan } from './rewindPlan';

export interface ApplyOptions {
  /** Conflicting paths the user chose to overwrite; every other conflict is skipped. */
  overwriteConflicts?: readonly string[];
  /** Conversation and both modes: a user message the fork starts with (needed to rewind to the final step). */
  message?: string;
  /** Long-term memory: the session's memory writes after the target go back with the conversation. */
  memory?: RewindMemory;
  now?: () => number;
}

/** What a rewind needs of long-term memory (LongTermMemory implements it). */
export interface RewindMemory {
  revertSessionAfter(sessionId: SessionId, afterSeq: number): Promise<{ reverts: { revertId: string; versions: unknown[] }[] }>;
  undoRevert(revertId: string): Promise<unknown>;
}

export interface RewindResult {
  /** Id of the rewind record; pass it to `planUndo` / `undoRewind`. */
  rewindId: string;
  written: string[];
  /** Conflicts not listed for overwrite, files changed since the preview, and files whose contents were not kept. */
  skipped: string[];
  /** The session the conversation continues in (conversation and both modes). */
  forkId?: SessionId;
  /** Memory writes undone with the conversation. */
  memoryWritesUndone: number;
}

/**
 * Carries out a preview from `planRewind`. Order: (1) the fork, for conversation and both modes
 * (the source journal is never cut: the conversation continues in the fork); (2) ONE atomic commit
 * of the `rewind` record with the current contents of every file about to be written (the safety
 * checkpoint that `undoRewind` restores); (3) the writes. Only files in the plan are written, and
 * never a conflict not listed in `overwriteConflicts`, nor a file that changed since the preview.
 * Throws BUSY while a runner may drive the session, STALE when its journal moved since the plan.
 * A crash during (3) leaves a record whose undo still works (undo compares by hash).
 */
export async function applyRewind(store: CheckpointStore, workspace: Workspace, plan: RewindPlan, o: ApplyOptions = {}): Promise<RewindResult> {
  const headSeq = await checkHead(store, plan.sessionId, plan.headSeq);
  const { write, skipped } = await selectWrites(workspace, plan.files, o.overwriteConflicts ?? []);
  const fork = plan.mode === 'files' ? undefined : await forkSession(store, plan.sessionId, plan.targetStep, o.message !== undefined ? { message: o.message } : {});
  const rewindId = `rewind:${plan.sessionId}:${headSeq + 1}`;
  // What the session put in long-term memory after the target goes back with its conversation
  // (idempotent: a rewind retried after a crash here reverts nothing twice).
  const reverts = fork && plan.conversation && o.memory ? (await o.memory.revertSessionAfter(plan.sessionId, plan.conversation.seq)).reverts : [];
  const data: RewindData = {
    rewindId,
    targetStep: plan.targetStep,
    mode: plan.mode,
    files: write.map(({ f }) => ({ path: f.path, fromHash: f.fromHash, toHash: f.toHash })),
    skipped,
    ...(fork ? { forkId: fork.id } : {}),
    ...(reverts.length ? { memoryReverts: reverts.map((r) => r.revertId) } : {}),
    at: (o.now ?? Date.now)(),
  };
  await commitAndWrite(store, workspace, plan.sessionId, headSeq, 'rewind', data, write);
  const memoryWritesUndone = reverts.reduce((n, r) => n + r.versions.length, 0);
  return { rewindId, written: data.files.map((f) => f.path), skipped, ...(fork ? { forkId: fork.id } : {}), memoryWritesUndone };
}

export interface UndoResult {
  rewindId: string;
  written: string[];
  skipped: string[];
}

/**
 * Carries out a preview from `planUndo`: restores what the disk held before the rewind, with the
 * same rule for conflicts (a file that no longer holds what the rewind wrote is skipped unless
 * listed). The undo is itself recorded (`rewind_undone`, with the contents it replaces) first.
 */
export async function undoRewind(store: CheckpointStore, workspace: Workspace, plan: UndoPlan, o: Omit<ApplyOptions, 'message'> = {}): Promise<UndoResult> {
  const headSeq = await checkHead(store, plan.sessionId, plan.headSeq);
  const { write, skipped } = await selectWrites(workspace, plan.files, o.overwriteConflicts ?? []);
  const data: RewindUndoneData = {
    rewindId: plan.rewindId,
    files: write.map(({ f }) => ({ path: f.path, fromHash: f.fromHash, toHash: f.toHash })),
    skipped,
    at: (o.now ?? Date.now)(),
  };
  await commitAndWrite(store, workspace, plan.sessionId, headSeq, 'rewind_undone', data, write);
  for (const id of plan.memoryReverts) await o.memory?.undoRevert(id);
  return { rewindId: plan.rewindId, written: data.files.map((f) => f.path), skipped };
}

async function checkHead(store: CheckpointStore, id: SessionId, planned: number): Promise<number> {
  const headSeq = await requireIdle(store, id);
  if (headSeq !== planned) throw new CheckpointError('STALE', `session ${id} moved on since the preview (event ${planned} -> ${headSeq}); preview again`);
  return headSeq;
}

interface Write {
  f: RewindFilePlan;
  /** The disk contents now (undefined: absent). */
  current: Uint8Array | undefined;
}

/** Files read or written at once: the writes each wait on an fsync, which the disk can overlap. */
const IO_CONCURRENCY = 8;

async function selectWrites(workspace: Workspace, files: readonly RewindFilePlan[], overwrite: readonly string[]): Promise<{ write: Write[]; skipped: string[] }> {
  const changing = files.filter((f) => f.action !== 'none');
  const disk = await eachLimited(changing, IO_CONCURRENCY, (f) => readDisk(workspace, f.path));
  const write: Write[] = [];
  const skipped: string[] = [];
  for (const [i, f] of changing.entries()) {
    const now = disk[i] as Awaited<ReturnType<typeof readDisk>>;
    if (!f.restorable || now.hash !== f.fromHash || (f.conflict && !overwrite.includes(f.path))) skipped.push(f.path);
    else write.push({ f, current: now.bytes });
  }
  return { write, skipped };
}

async function commitAndWrite(store: CheckpointStore, workspace: Workspace, id: SessionId, headSeq: number, type: 'rewind' | 'rewind_undone', data: { files: RewoundFile[] }, write: Write[]): Promise<void> {
  const summary = await store.getSession(id);
  if (!summary) throw new CheckpointError('NOT_FOUND', `no session ${id} in this workspace`);
  const step = await lastStepOf(store, summary);
  const targets = await blobsOf(store, write.map(({ f }) => f.toHash));
  await store.commit({
    sessionId: id,
    expectedHeadSeq: headSeq,
    events: [{ step, type, data }],
    blobs: write.flatMap(({ current }) => (current ? [{ content: current }] : [])),
  });
  const missing = write.find(({ f }, i) => f.toHash !== null && !targets[i]);
  if (missing) throw new CheckpointError('DAMAGED', `the contents of ${missing.f.path} at ${missing.f.toHash} are missing from the store`);
  // Distinct paths, so the order of the writes does not matter; the record above is already durable.
  await workspace.writeFiles(write.map(({ f }, i) => ({ path: f.path, bytes: f.toHash === null ? null : (targets[i] as Uint8Array) })));
}
