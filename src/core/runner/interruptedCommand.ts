import { createHash } from 'node:crypto';
import type { ChangeCapture, TurnWatch } from '../ports/changeCapture';
import type { Diagnostics } from '../ports/diagnostics';
import type { ProcessRunner } from '../ports/processRunner';
import type { CheckpointStore } from '../store/checkpointStore';
import type { ToolContext } from '../tools/tool';
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

/** The mark of the processes of the checks the session's steps run (the check command after a step that changed files); `#` is in no call's id. */
const checkMark = (store: CheckpointStore, j: SessionJournal): string => commandMark(store, j, '#check');

/** The tools' context with what the call `callId` runs marked as the call's: its commands, and the check command get_diagnostics runs. */
export function markedFor(ctx: Pick<ToolContext, 'processes' | 'diagnostics'>, store: CheckpointStore, j: SessionJournal, callId: string, watch?: TurnWatch): Pick<ToolContext, 'processes' | 'diagnostics'> {
  const mark = commandMark(store, j, callId);
  const { processes, diagnostics } = ctx;
  return {
    processes: { run: (command, options) => processes.run(command, { ...options, mark }), ...(processes.stopMarked ? { stopMarked: processes.stopMarked.bind(processes) } : {}) },
    diagnostics: diagnostics.markedAs?.(mark, watch) ?? diagnostics,
  };
}

/** `source`, its check command's processes marked as the session's steps' checks (`stopCheckLeftovers` finds them). */
export const checksMarked = (source: Diagnostics, store: CheckpointStore, j: SessionJournal, watch?: TurnWatch): Diagnostics => source.markedAs?.(checkMark(store, j), watch) ?? source;

/** Stops what still runs of a step's check that a process which died had started (before this process runs one). Returns the names of the processes stopped. */
export async function stopCheckLeftovers(processes: ProcessRunner, store: CheckpointStore, j: SessionJournal): Promise<string[]> {
  return (await processes.stopMarked?.(checkMark(store, j)).catch(() => [])) ?? [];
}

/**
 * Stops what still runs of the command `callId` that a process which died had started (its group
 * stops with that process, not on Windows; what it started outside the group outlives it, and
 * nothing supervises it any more): before the user is asked whether to run it
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
  const open = j.state.calls.filter((c) => c.started && !c.result);
  const commands = (await Promise.all(open.map((c) => stopLeftovers(processes, store, j, c.id)))).flat();
  const checks = await stopCheckLeftovers(processes, store, j);
  const said = (what: string, names: readonly string[]) => `; its ${what} was still running, and Savepoint stopped it (${count(names.length, 'process', 'processes')}: ${[...new Set(names)].slice(0, 5).join(', ')})`;
  return `${commands.length ? said('command', commands) : ''}${checks.length ? said('check command', checks) : ''}`;
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
  const changed = found?.effects.length ? ` Since it began, these files changed (by it, or by anyone after Savepoint stopped): ${listEffects(found.effects, 10, true)}; the step records them either way.` : '';
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
