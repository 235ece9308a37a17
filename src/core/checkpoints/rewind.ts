import type { Workspace } from '../ports/workspace';
import type { CheckpointStore } from '../store/checkpointStore';
import { oneSessionOpAtATime } from '../store/sessionOps';
import type { SessionId, SessionSummary } from '../store/types';
import { CheckpointError, type RewindData, type RewindMemory, type RewindUndoneData, type RewoundFile, requireIdle, stagingTag } from './checkpointEvents';
import { forkSession } from './fork';
import { forkIdOf, strayRewindForks } from './strayForks';
import { removeEmptiedFolders } from './rewindFolders';
import { memoryWaiting } from './rewindRecords';
import { type RewindFilePlan, type RewindPlan, type UndoPlan, removeUnsettled } from './rewindPlan';
import { type HoldWrites, commitAndWrite, prepareWrites, removeOwnLeftovers, rewound } from './rewindWrites';

export interface ApplyOptions {
  /** Conflicting paths the user chose to overwrite; every other conflict is skipped. */
  overwriteConflicts?: readonly string[];
  /** Conversation and both modes: a user message the fork starts with (needed to rewind to the final step). */
  message?: string;
  /** Long-term memory: the session's memory writes after the target go back with the conversation. */
  memory?: RewindMemory;
  now?: () => number;
  /** Told the files about to be written before the writes, released once they are done (`HoldWrites`). */
  holdWrites?: HoldWrites;
}

export interface RewindResult {
  /** Id of the rewind record; pass it to `planUndo` / `undoRewind`. */
  rewindId: string;
  written: string[];
  /** Conflicts not listed for overwrite, files changed since the preview, and files whose contents were not kept. */
  skipped: string[];
  /** Of `skipped`, the files whose contents were kept by hash only: nothing to restore them from. */
  notRestorable: string[];
  /**
   * Of `skipped`, the paths a symlink is in the way of: a rewind never writes through a link, and
   * keeps where a move put a file while the link blocks the way back (`RewindFilePlan.keptFor`).
   */
  linked: string[];
  /** Of `skipped`, where a move put a file whose way back (`RewindFilePlan.movedFrom`) the user kept: it stays there. */
  moveKept: string[];
  /** The folders its deletions emptied that a step after the target made (`removeEmptiedFolders`): removed too. */
  removedDirs?: string[];
  /** The session the conversation continues in (conversation and both modes), and its title. */
  forkId?: SessionId;
  forkTitle?: string;
  /** Forks earlier attempts of this rewind made with another message and left (a crash before their record): deleted now (`strayRewindForks`). */
  strayForksRemoved?: SessionId[];
  /** Memory writes undone with the conversation. */
  memoryWritesUndone: number;
}

/**
 * Carries out a preview from `planRewind`. Order: (1) the fork, for conversation and both modes
 * (the source journal is never cut: the conversation continues in the fork); (2) the new contents
 * staged beside their files (synced temporary files: a file that cannot be written fails the
 * rewind here, with nothing recorded or changed); (3) ONE atomic commit of the `rewind` record with
 * the current contents of every file about to be written (the safety checkpoint that `undoRewind`
 * restores); (4) the renames. Only files in the plan are written, and
 * never a conflict not listed in `overwriteConflicts`, nor a file that changed since the preview.
 * Throws BUSY while a runner may drive the session, STALE when its journal moved since the plan.
 * A crash during (4) leaves a record whose undo still works (undo compares by hash).
 */
export function applyRewind(store: CheckpointStore, workspace: Workspace, plan: RewindPlan, o: ApplyOptions = {}): Promise<RewindResult> {
  return oneSessionOpAtATime(store, plan.sessionId, () => apply(store, workspace, plan, o));
}

async function apply(store: CheckpointStore, workspace: Workspace, plan: RewindPlan, o: ApplyOptions): Promise<RewindResult> {
  const headSeq = await checkHead(store, plan.sessionId, plan.headSeq);
  // Reverted in one scope only, the writes in the other would stay in force for good: refused first, as the undo is.
  const blocked = plan.mode !== 'files' && plan.conversation && o.memory?.revertBlockedIn ? await o.memory.revertBlockedIn(plan.sessionId, plan.conversation.seq) : [];
  if (blocked.length) {
    throw new CheckpointError('INVALID', `this rewind would also take back long-term memory writes in the ${blocked.join(' and ')} memory, which another window holds: close it, then rewind again. Nothing was changed.`);
  }
  const stillThere = (await removeUnsettled(workspace, plan.unsettled)).still;
  const rewindId = `rewind:${plan.sessionId}:${headSeq + 1}`;
  const tag = stagingTag(rewindId, false);
  const prepared = await prepareWrites(store, workspace, plan.files, o.overwriteConflicts ?? [], tag);
  const { write, skipped } = prepared;
  let fork: SessionSummary | undefined;
  let reverts: { revertId: string; versions: unknown[] }[] = [];
  let made: string[] = [];
  const forkId = forkIdOf(rewindId, o.message);
  // A fork an earlier attempt made and left (a crash before its record) is not this attempt's to delete.
  const earlier = plan.mode === 'files' ? undefined : await store.getSession(forkId);
  try {
    fork = plan.mode === 'files' ? undefined : await forkSession(store, plan.sessionId, plan.targetStep, { id: forkId, ...(o.message !== undefined ? { message: o.message } : {}) });
    // What the session put in long-term memory after the target goes back with its conversation
    // (idempotent: a rewind retried after a crash here reverts nothing twice).
    if (fork && plan.conversation && o.memory) ({ reverts, made } = await revertMemory(store, o.memory, plan.sessionId, plan.conversation.seq, headSeq));
  } catch (e) {
    await prepared.staged.discard();
    throw e;
  }
  const data: RewindData = {
    rewindId,
    targetStep: plan.targetStep,
    mode: plan.mode,
    files: write.map(({ f }) => rewound(f)),
    skipped,
    ...(fork ? { forkId: fork.id } : {}),
    ...(reverts.length ? { memoryReverts: reverts.map((r) => r.revertId) } : {}),
    ...(write.length ? { tag } : {}),
    ...(prepared.staged.madeDirs?.length ? { madeDirs: [...prepared.staged.madeDirs] } : {}),
    at: (o.now ?? Date.now)(),
  };
  let late: string[];
  let recorded = false;
  try {
    late = await commitAndWrite(store, workspace, plan.sessionId, headSeq, 'rewind', data, prepared, stillThere, { onRecorded: () => (recorded = true), ...(o.holdWrites ? { holdWrites: o.holdWrites } : {}) });
  } catch (e) {
    // Not recorded (another rewind or run of the session came first): what this attempt did to
    // memory and the session list is taken back, best effort, so that nothing of it is left unclaimed.
    // Recorded, and a rename failed: the record names the fork and the reverts, which its undo takes back.
    if (!recorded) {
      for (const id of made) await o.memory?.undoRevert(id).catch(() => undefined);
      if (fork && !(fork.id === forkId && earlier && earlier.headSeq > 0)) await store.deleteSession(fork.id, 'the rewind that made this fork was not applied').catch(() => undefined);
    }
    throw e;
  }
  removeOwnLeftovers(workspace, tag, write);
  const done = outcome(data, skipped, late, plan.files);
  const removedDirs = await removeEmptiedFolders(store, workspace, plan, done.written);
  const memoryWritesUndone = reverts.reduce((n, r) => n + r.versions.length, 0);
  // Recorded: what earlier attempts with another message left is now surely no one's.
  const stray = fork ? await strayRewindForks(store, plan.sessionId, plan.targetStep, rewindId, fork.id).catch(() => []) : [];
  for (const s of stray) await store.deleteSession(s, `left by an earlier attempt of ${rewindId}, retried with another message`);
  return { rewindId, ...done, ...(removedDirs.length ? { removedDirs } : {}), ...(fork ? { forkId: fork.id, forkTitle: fork.title } : {}), ...(stray.length ? { strayForksRemoved: stray } : {}), memoryWritesUndone };
}

/**
 * The memory reverts of a conversation rewind: the ones made now, and the ones an attempt of the same
 * rewind made before a crash stopped it short of its record (the revert is idempotent, so a retry
 * finds nothing left to revert, and without them the undo could never bring those writes back).
 */
async function revertMemory(
  store: CheckpointStore,
  memory: RewindMemory,
  sessionId: SessionId,
  afterSeq: number,
  headSeq: number,
): Promise<{ reverts: { revertId: string; versions: unknown[] }[]; made: string[] }> {
  const made = (await memory.revertSessionAfter(sessionId, afterSeq)).reverts;
  const ids = made.map((r) => r.revertId);
  if (!memory.listReverts) return { reverts: made, made: ids };
  // The records up to the head this rewind checked: one committed meanwhile makes its commit fail anyway.
  const claimed = new Set(ids);
  for await (const e of store.readEvents(sessionId, { toSeq: headSeq })) {
    if (e.type === 'rewind') for (const id of (e.data as RewindData).memoryReverts ?? []) claimed.add(id);
  }
  const orphans = (await memory.listReverts()).filter((r) => r.sessionId === sessionId && r.afterSeq === afterSeq && r.throughSeq === undefined && r.undoneAt === undefined && !claimed.has(r.revertId));
  return { reverts: [...made, ...orphans], made: ids };
}

export interface UndoResult {
  rewindId: string;
  written: string[];
  skipped: string[];
  /** Of `skipped`, the files whose contents were kept by hash only. */
  notRestorable: string[];
  /** Of `skipped`, the paths that are symlinks now (never written through). */
  linked: string[];
}

/** What was written and what was left alone: before the record (`skipped`), at the renames (`late`), and why. */
function outcome(data: { files: RewoundFile[] }, skipped: string[], late: string[], files: readonly RewindFilePlan[]): Pick<UndoResult, 'written' | 'skipped' | 'notRestorable' | 'linked'> & Pick<RewindResult, 'moveKept'> {
  const linked = files.filter((f) => f.link !== undefined || f.keptFor !== undefined).map((f) => f.path);
  // Left alone before the record or at the renames (a change since the preview is found there).
  const kept = new Set([...skipped, ...late]);
  return {
    moveKept: files.filter((f) => f.movedFrom !== undefined && kept.has(f.path) && kept.has(f.movedFrom)).map((f) => f.path),
    written: data.files.map((f) => f.path).filter((p) => !late.includes(p)),
    skipped: [...skipped, ...late],
    notRestorable: files.filter((f) => f.action !== 'none' && !f.restorable && f.link === undefined).map((f) => f.path),
    linked,
  };
}

/**
 * Carries out a preview from `planUndo`: restores what the disk held before the rewind, with the
 * same rule for conflicts (a file that no longer holds what the rewind wrote is skipped unless
 * listed). The undo is itself recorded (`rewind_undone`, with the contents it replaces) first.
 */
export function undoRewind(store: CheckpointStore, workspace: Workspace, plan: UndoPlan, o: Omit<ApplyOptions, 'message'> = {}): Promise<UndoResult> {
  return oneSessionOpAtATime(store, plan.sessionId, () => undo(store, workspace, plan, o));
}

async function undo(store: CheckpointStore, workspace: Workspace, plan: UndoPlan, o: Omit<ApplyOptions, 'message'>): Promise<UndoResult> {
  const headSeq = await checkHead(store, plan.sessionId, plan.headSeq);
  // Marked undone without them, the memory writes the rewind took back would stay reverted for good.
  const memory = o.memory;
  const canUndo = async (id: string) => (memory?.canUndoRevert ? memory.canUndoRevert(id) : memory !== undefined);
  const waiting = await memoryWaiting(memory, plan.memoryReverts, plan.laterMemory ?? []);
  const reverts = plan.memoryReverts.filter((id) => !waiting.has(id));
  if (reverts.length === 0 && waiting.size > 0 && plan.files.length === 0) {
    throw new CheckpointError('INVALID', 'the long-term memory writes this rewind took back were taken back again by a later rewind, which is not undone: undo that one first, then this one brings them back. Nothing was changed.');
  }
  for (const id of reverts) {
    if (!(await canUndo(id))) {
      throw new CheckpointError('INVALID', 'this rewind also took back long-term memory writes, and long-term memory cannot write them back now (it is off, or another window holds it): turn it on or close the other window, then undo again');
    }
  }
  const stillThere = (await removeUnsettled(workspace, plan.unsettled)).still;
  const tag = stagingTag(plan.rewindId, true, plan.part);
  const prepared = await prepareWrites(store, workspace, plan.files, o.overwriteConflicts ?? [], tag);
  const { write, skipped } = prepared;
  const already = plan.files.filter((f) => f.action === 'none').map((f) => f.path);
  const data: RewindUndoneData = {
    rewindId: plan.rewindId,
    ...(plan.part > 1 ? { part: plan.part } : {}),
    files: write.map(({ f }) => rewound(f)),
    skipped,
    ...(already.length ? { already } : {}),
    // Recorded even when empty (all held back): an undo record without the field re-applied all of them.
    ...(plan.memoryReverts.length ? { memoryReverts: reverts } : {}),
    ...(write.length ? { tag } : {}),
    at: (o.now ?? Date.now)(),
  };
  // The memory after the files, before the settlement that says it is done (a crash between: the next undo does it).
  const reapply =
    memory && reverts.length
      ? async () => {
          for (const id of reverts) await memory.undoRevert(id);
        }
      : undefined;
  const late = await commitAndWrite(store, workspace, plan.sessionId, headSeq, 'rewind_undone', data, prepared, stillThere, { ...(reapply ? { beforeSettle: reapply } : {}), ...(o.holdWrites ? { holdWrites: o.holdWrites } : {}) });
  removeOwnLeftovers(workspace, tag, write);
  // The folders the rewind made for the files it brought back go with them, once empty.
  if (plan.madeDirs?.length) await workspace.pruneEmptyDirs?.(plan.madeDirs).catch(() => undefined);
  return { rewindId: plan.rewindId, ...outcome(data, skipped, late, plan.files) };
}

async function checkHead(store: CheckpointStore, id: SessionId, planned: number): Promise<number> {
  const headSeq = await requireIdle(store, id);
  if (headSeq !== planned) throw new CheckpointError('STALE', `session ${id} moved on since the preview (event ${planned} -> ${headSeq}); preview again`);
  return headSeq;
}

