import { createHash } from 'node:crypto';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, JournalEvent, SessionId } from '../store/types';
import type { RunnerEventType } from '../runner/runEvents';

/**
 * Journal events written by checkpoint operations (rewind and its undo), outside the runner. They
 * are committed only while no runner drives the session; the runner's reducer treats them as no-ops.
 */

export interface RewoundFile {
  path: string;
  /** What the disk held before the operation (its contents are stored as a blob: the safety checkpoint). */
  fromHash: BlobHash | null;
  /** What the operation writes (null: the file is deleted). */
  toHash: BlobHash | null;
  /** The file it deletes, or whose execute bit it changes (`setExec`), had an execute bit (its undo sets it again). */
  fromExec?: true;
  /** The file it creates gets an execute bit. */
  toExec?: true;
  /** The permission bits of the file it deletes (its undo gives them back), and of the file it creates. */
  fromMode?: number;
  toMode?: number;
  /** The execute bit it sets (true) or clears (false) on a file that stays (a `chmod` it takes back). */
  setExec?: boolean;
  /** The path was this symlink before (the operation removed or replaced the link, never its target; its undo makes it again). */
  fromLink?: string;
  /** The path becomes this symlink (a link the session's delete_file removed, made again). */
  toLink?: string;
}

export type RewindMode = 'files' | 'conversation' | 'both';

/** Intent record of a rewind, committed (with the blobs of every `fromHash`) before any file is written. */
export interface RewindData {
  rewindId: string;
  targetStep: number;
  mode: RewindMode;
  files: RewoundFile[];
  /** Files the rewind would have changed but left alone (a conflict not listed for overwrite, or changed since the preview). */
  skipped: string[];
  /** The session the conversation continues in (conversation and both modes). */
  forkId?: SessionId;
  /** Long-term memory writes of the session after the target, undone with the conversation (their undo ids). */
  memoryReverts?: string[];
  /** Names its temporary files (`stagingTag`), when it wrote any: a crash before its settlement may leave them. */
  tag?: string;
  /** The folders it made for the files it brought back (the topmost of each branch): its undo removes them once empty. */
  madeDirs?: string[];
  at: number;
}

/** Intent record of an undo, committed (with the blobs of every `fromHash`) before any file is written. */
export interface RewindUndoneData {
  rewindId: string;
  /**
   * Which undo of the rewind this is, from 2 (absent: the first). An undo that leaves files alone
   * (edited since) leaves them to a later one, from the same safety checkpoint.
   */
  part?: number;
  files: RewoundFile[];
  skipped: string[];
  /** Files that already held what the undo gives back: given back too, with nothing to write. */
  already?: string[];
  /**
   * The rewind's long-term memory reverts this undo re-applies, after its files and before its
   * settlement, which says so (`memory`): until then a later undo re-applies them (idempotent), so a
   * crash in between loses none. Absent in records from before: their memory went back with them.
   * Empty when the rewind has reverts that all wait for a later rewind's undo (`memoryWaiting`).
   */
  memoryReverts?: string[];
  /** As `RewindData.tag`. */
  tag?: string;
  at: number;
}

/**
 * Written once the renames of a rewind or undo are done (not synced, and best effort: losing it, or
 * losing a race with another commit, loses only what it says). A record with a `tag` and no
 * settlement may have been cut short by a crash: its temporary files may be left beside its files,
 * and each later rewind or undo of the session removes them. Records written before settlements
 * existed have no tag and are left alone (their temporary files had no tag to find them by).
 */
export interface RewindSettledData {
  /** The rewind the record is about (for an undo's record, the rewind it undid, with `undo`). */
  rewindId: string;
  undo?: true;
  /** As `RewindUndoneData.part`. */
  part?: number;
  /** Files of the record left alone at the last moment: each changed after it was checked (an editor's save). */
  notWritten: string[];
  /** An undo's record: its memory reverts (`RewindUndoneData.memoryReverts`) were re-applied. */
  memory?: true;
}

export interface CheckpointEventMap {
  rewind: RewindData;
  rewind_undone: RewindUndoneData;
  rewind_settled: RewindSettledData;
}

export type CheckpointEventType = keyof CheckpointEventMap;

export const CHECKPOINT_EVENT_TYPES: readonly CheckpointEventType[] = ['rewind', 'rewind_undone', 'rewind_settled'];

/** Names a rewind or undo record: the key of its settlement in `settlements`, and what its staging tag is drawn from. */
export const recordKey = (type: 'rewind' | 'rewind_undone', rewindId: string, part?: number): string =>
  `${type === 'rewind_undone' ? 'undo' : 'rewind'}:${rewindId}${part !== undefined && part > 1 ? `#${part}` : ''}`;

/** Names the temporary files a rewind (or its undo) stages, so that those a crash leaves can be found. */
export const stagingTag = (rewindId: string, undo: boolean, part?: number): string =>
  createHash('sha256')
    .update(recordKey(undo ? 'rewind_undone' : 'rewind', rewindId, part))
    .digest('hex')
    .slice(0, 16);

/** For each record of a rewind or undo, its settlement, if written (see `RewindSettledData`). */
export function settlements(events: readonly JournalEvent[]): Map<string, RewindSettledData> {
  const out = new Map<string, RewindSettledData>();
  for (const e of events) {
    if (e.type !== 'rewind_settled') continue;
    const d = e.data as RewindSettledData;
    out.set(recordKey(d.undo ? 'rewind_undone' : 'rewind', d.rewindId, d.part), d);
  }
  return out;
}

/**
 * The runner's own event types: what a fork copies and replays. A Record, so that a new runner event
 * type fails compilation here until it is listed (checkpoint events are left out even if the
 * runner's map comes to include them: they describe the source's disk, not the conversation).
 */
const RUNNER_EVENT_TYPES: Record<Exclude<RunnerEventType, CheckpointEventType>, true> = {
  session_started: true,
  model_turn: true,
  tool_planned: true,
  tool_started: true,
  approval_requested: true,
  approval_decided: true,
  tool_result: true,
  command_turn: true,
  episode_remembered: true,
  message_added: true,
  status: true,
  budgets_changed: true,
  models_changed: true,
  compacted: true,
  compaction_undone: true,
  model_spent: true,
  fact_pinned: true,
  fact_unpinned: true,
};

export const isRunnerEventType = (t: string): t is RunnerEventType => Object.hasOwn(RUNNER_EVENT_TYPES, t);

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';

  constructor(
    readonly code: 'NOT_FOUND' | 'BUSY' | 'STALE' | 'INVALID' | 'DAMAGED',
    message: string,
  ) {
    super(message);
  }

  static is(e: unknown, code?: CheckpointError['code']): e is CheckpointError {
    return e instanceof CheckpointError && (code === undefined || e.code === code);
  }
}

/** Throws INVALID unless `step` is one of the session's steps (0: before its first). */
export function requireStep(sessionId: SessionId, step: number, lastStep: number): void {
  if (!Number.isInteger(step) || step < 0 || step > lastStep) throw new CheckpointError('INVALID', `step ${step} is not in session ${sessionId} (steps 0..${lastStep})`);
}

/** The whole journal of a session, in seq order. Throws NOT_FOUND for an unknown session. */
export async function readJournal(store: CheckpointStore, id: SessionId): Promise<JournalEvent[]> {
  const summary = await store.getSession(id);
  if (!summary) throw new CheckpointError('NOT_FOUND', `no session ${id} in this workspace`);
  const out: JournalEvent[] = [];
  for await (const e of store.readEvents(id)) out.push(e);
  const last = out[out.length - 1];
  if ((last?.seq ?? 0) !== summary.headSeq) {
    throw new CheckpointError('DAMAGED', `session ${id}: the journal is readable up to event ${last?.seq ?? 0} of ${summary.headSeq}`);
  }
  return out;
}

/**
 * Checkpoint events may only be appended while no runner drives the session: `running` means a
 * runner may hold it now (a host that knows it crashed marks it `interrupted` first).
 */
export async function requireIdle(store: CheckpointStore, id: SessionId): Promise<number> {
  const summary = await store.getSession(id);
  if (!summary) throw new CheckpointError('NOT_FOUND', `no session ${id} in this workspace`);
  if (summary.status === 'running') throw new CheckpointError('BUSY', `session ${id} is running; pause it before rewinding`);
  return summary.headSeq;
}

/** What a rewind needs of long-term memory (LongTermMemory implements it). */
export interface RewindMemory {
  revertSessionAfter(sessionId: SessionId, afterSeq: number): Promise<{ reverts: { revertId: string; versions: unknown[] }[] }>;
  undoRevert(revertId: string): Promise<unknown>;
  /** The scopes that hold writes `revertSessionAfter` would undo but cannot write now (read-only here): the rewind is refused. */
  revertBlockedIn?(sessionId: SessionId, afterSeq: number): Promise<string[]>;
  /** Whether `undoRevert` can write now (false: its scope is read-only here, or it is unknown). */
  canUndoRevert?(revertId: string): Promise<boolean>;
  /** Every revert, to find one a crashed attempt of the same rewind made (its undo must bring it back too). */
  listReverts?(): Promise<{ revertId: string; sessionId: SessionId; afterSeq: number; throughSeq?: number; undoneAt?: number; versions: { id: string }[] }[]>;
}
