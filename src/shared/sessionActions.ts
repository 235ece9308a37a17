import type { SessionRow, SessionStatusView, WebviewCommand } from './protocol';

/** A button of the sidebar: [command, codicon, label, primary]. */
export type SessionAction = [WebviewCommand, string, string, boolean];

/** The actions of a session's row in the list, by status. */
export const LIST_ACTIONS: Record<SessionStatusView, SessionAction[]> = {
  running: [['pauseSession', 'debug-pause', 'Pause', true], ['cancelSession', 'debug-stop', 'Cancel', false]],
  // Paused at its question (kept for the resume), a waiting session can be rewound. Pause only while its run is alive (`listActions`).
  waiting: [['resumeSession', 'bell', 'Answer the waiting approval', true], ['pauseSession', 'debug-pause', 'Pause', false], ['cancelSession', 'debug-stop', 'Cancel', false]],
  interrupted: [['resumeSession', 'debug-continue', 'Resume', true], ['cancelSession', 'debug-stop', 'Cancel', false]],
  paused: [['resumeSession', 'debug-continue', 'Resume', true], ['cancelSession', 'debug-stop', 'Cancel', false]],
  failed: [['resumeSession', 'debug-restart', 'Retry from the last checkpoint', true]],
  completed: [],
};

/** What a row needs for its actions: its status, whether its run is alive here, whether this window can change it. */
type RowState = Pick<SessionRow, 'status' | 'live' | 'readOnly'>;

/** The actions of a session's row in the list (`LIST_ACTIONS`), for the row's status and whether its run is alive; none read-only. */
export function listActions(row: RowState): SessionAction[] {
  if (row.readOnly) return [];
  return LIST_ACTIONS[row.status].filter(([command]) => command !== 'pauseSession' || pausable(row));
}

/** A run to pause: a running session, or a waiting one whose run is alive (paused at its question, or after a restart, none is). */
const pausable = (row: RowState): boolean => row.status === 'running' || (row.status === 'waiting' && !!row.live);

/** The actions of an open session's header (none read-only: each would change the store). */
export function detailActions(row: RowState): SessionAction[] {
  if (row.readOnly) return [];
  const base: SessionAction[] = [];
  if (row.status === 'running') base.push(['pauseSession', 'debug-pause', 'Pause', true], ['cancelSession', 'debug-stop', 'Cancel', false]);
  else if (row.status === 'waiting') base.push(['resumeSession', 'bell', 'Answer', true], ...(pausable(row) ? [['pauseSession', 'debug-pause', 'Pause', false] as SessionAction] : []), ['cancelSession', 'debug-stop', 'Cancel', false]);
  else if (row.status === 'interrupted' || row.status === 'paused') base.push(['resumeSession', 'debug-continue', 'Resume', true], ['cancelSession', 'debug-stop', 'Cancel', false]);
  else if (row.status === 'failed') base.push(['resumeSession', 'debug-restart', 'Retry', true]);
  // A waiting session whose run is alive would refuse the rewind: it is offered once paused.
  if (historyLock(row) === null) base.push(['rewindSession', 'history', 'Rewind…', false]);
  base.push(['forkSession', 'repo-forked', 'Fork…', false]);
  return base;
}

/** Why nothing is offered on a session another window's store holds (a fork too: it writes a session). */
export const READ_ONLY_LOCK = "unavailable here: another window is using this workspace's sessions (they are read-only in this one)";

/**
 * Why what changes a session's history (a step's Rewind, a rewind's Undo) is refused now, or null
 * when it is offered: the host refuses both while the session runs or a run of it is alive in this
 * window (paused at its question). Fork only reads the history: it is offered while the run goes on,
 * but not read-only (READ_ONLY_LOCK).
 */
export function historyLock(row: RowState | undefined): string | null {
  if (row?.readOnly) return READ_ONLY_LOCK;
  if (!row || (row.status !== 'running' && !row.live)) return null;
  return row.status === 'running' ? 'unavailable while the session runs: pause it first' : 'unavailable while the session waits for your answer: pause it first';
}

/** An action on one entry of the timeline: what it runs, at which step (or rewind), and why it is refused now (null: offered). */
export interface StepAction {
  command: 'rewindSession' | 'forkSession' | 'undoRewind';
  codicon: string;
  /** What the action does; a refused one's tooltip adds why. */
  label: string;
  /** The argument of the command: the step to go to, or the seq of the rewind to undo. */
  arg: number;
  refused: string | null;
}

/** Rewind and Fork at a settled step; `lock` is `historyLock` of the session (read-only: Fork is refused too). */
export function stepActions(step: number, lock: string | null): StepAction[] {
  return [
    // On a step, rewinding means taking that step back: the files go to how they were before it.
    { command: 'rewindSession', codicon: 'history', label: `Rewind the workspace to before step ${step} (undo this step and everything after it)`, arg: Math.max(0, step - 1), refused: lock },
    { command: 'forkSession', codicon: 'repo-forked', label: `Fork a new session from step ${step}`, arg: step, refused: lock === READ_ONLY_LOCK ? lock : null },
  ];
}

/** Undo of the rewind journaled at `seq`. */
export function undoRewindAction(seq: number, lock: string | null): StepAction {
  return { command: 'undoRewind', codicon: 'discard', label: 'Undo this rewind (the files go back to what they held before it)…', arg: seq, refused: lock };
}

/** The tooltip of an action: what it does, and why it is refused when it is. */
export const actionTitle = (a: StepAction): string => (a.refused === null ? a.label : `${a.label.replace(/…$/, '')}: ${a.refused}`);
