import { createHash } from 'node:crypto';
import type { ChangeCapture } from '../ports/changeCapture';
import type { ProcessRunner } from '../ports/processRunner';
import type { CheckpointStore } from '../store/checkpointStore';
import { count } from '../util/plural';
import type { BlobHash, BlobInput } from '../store/types';
import { type RunnerEvent, type SideEffect, question } from './runEvents';
import type { CallState } from './runState';
import type { SessionJournal } from './sessionJournal';
import { fromCapture, listEffects } from './stepEffects';

/** The label a call's change capture begins under: what `recover` finds it by after a crash. */
export const captureLabel = (j: SessionJournal, callId: string): string => `${j.id}/${callId}`;

/** The mark the processes of the call's command carry (RunOptions.mark): made again from the call after a crash (the store's id keeps a session id given twice, in two stores, apart). */
const commandMark = (store: CheckpointStore, j: SessionJournal, callId: string): string => createHash('sha256').update(`${store.workspaceId}/${j.id}/${callId}`).digest('hex').slice(0, 24);

/** `processes` marking each command it runs as the call `callId`'s. */
export function markedFor(processes: ProcessRunner, store: CheckpointStore, j: SessionJournal, callId: string): ProcessRunner {
  const mark = commandMark(store, j, callId);
  return { run: (command, options) => processes.run(command, { ...options, mark }), ...(processes.stopMarked ? { stopMarked: processes.stopMarked.bind(processes) } : {}) };
}

/**
 * Stops what still runs of the command `callId` that a process which died had started (its group
 * outlives it, and nothing supervises it any more): before the user is asked whether to run it
 * again, and before what it changed is taken. Returns the names of the processes stopped.
 */
export async function stopLeftovers(processes: ProcessRunner, store: CheckpointStore, j: SessionJournal, callId: string): Promise<string[]> {
  return (await processes.stopMarked?.(commandMark(store, j, callId)).catch(() => [])) ?? [];
}

/**
 * Stops what still runs of the commands a process that died had started in the journal's latest turn
 * (started, no result): at a restart, when the session is marked interrupted, so that nothing runs
 * unsupervised until a resume. The words for the status reason ('' when nothing ran any more).
 */
export async function stopOrphans(processes: ProcessRunner, store: CheckpointStore, j: SessionJournal): Promise<string> {
  const open = j.state.calls.filter((c) => c.name === 'run_command' && c.started && !c.result);
  const names = (await Promise.all(open.map((c) => stopLeftovers(processes, store, j, c.id)))).flat();
  return names.length ? `; its command was still running, and Savepoint stopped it (${count(names.length, 'process', 'processes')}: ${[...new Set(names)].slice(0, 5).join(', ')})` : '';
}

/** What a command cut off by a crash had changed, as the step's side effects, with the contents to keep. */
export interface Interrupted {
  effects: SideEffect[];
  blobs: BlobInput[];
}

/**
 * What the command `callId` had changed when the process that ran it died (its change capture's
 * index as it began, logged, against the disk now): undefined when nothing durable is known of it.
 * An old version the capture no longer has, but the session's store does (a version it wrote or
 * read), is taken from there: a rewind can then restore it.
 */
export async function recoverInterrupted(capture: ChangeCapture | undefined, j: SessionJournal, callId: string): Promise<Interrupted | undefined> {
  const set = await capture?.recover?.(captureLabel(j, callId)).catch(() => undefined);
  if (!set) return undefined;
  for (const c of set.changes) {
    if (!c.before || c.beforeBytes || c.before.link !== undefined || c.tooLarge) continue;
    const bytes = await j.getBlob(c.before.hash as BlobHash).catch(() => undefined);
    if (bytes) c.beforeBytes = bytes;
  }
  const { effects, blobs } = fromCapture(set);
  return { effects: effects.map((e) => ({ ...e, uncertain: true as const })), blobs };
}

/** The question asked after a crash cut a command off: run it again? With what it had changed by then, which the step keeps either way. */
export function rerunQuestion(j: SessionJournal, call: CallState, input: unknown, found: Interrupted | undefined, now: number, stopped: readonly string[] = []): RunnerEvent {
  // Nothing tells the command's changes from ones made after the crash, before the resume: said as such.
  const changed = found?.effects.length ? ` Since it began, these files changed (by it, or by anyone after Savepoint stopped): ${listEffects(found.effects)}; the step records them either way.` : '';
  return question(j.headSeq + 1, {
    kind: 'command_rerun',
    callId: call.id,
    name: call.name,
    input,
    reasons: [`the command was running when Savepoint stopped; it may have partly run.${stillRan(stopped)}${changed} Run it again?`],
    requestedAt: now,
    ...(found?.effects.length ? { interrupted: found.effects } : {}),
  });
}

const stillRan = (names: readonly string[]): string =>
  names.length ? ` It was still running: Savepoint stopped it (${count(names.length, 'process', 'processes')}: ${[...new Set(names)].slice(0, 5).join(', ')}).` : '';
