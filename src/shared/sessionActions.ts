import type { SessionRow, SessionStatusView, WebviewCommand } from './protocol';

/** A button of the sidebar: [command, codicon, label, primary]. */
export type SessionAction = [WebviewCommand, string, string, boolean];

/** The actions of a session's row in the list, by status. */
export const LIST_ACTIONS: Record<SessionStatusView, SessionAction[]> = {
  running: [['pauseSession', 'debug-pause', 'Pause', true], ['cancelSession', 'debug-stop', 'Cancel', false]],
  // Paused at its question (kept for the resume), a waiting session can be rewound.
  waiting: [['resumeSession', 'bell', 'Answer the waiting approval', true], ['pauseSession', 'debug-pause', 'Pause', false], ['cancelSession', 'debug-stop', 'Cancel', false]],
  interrupted: [['resumeSession', 'debug-continue', 'Resume', true], ['cancelSession', 'debug-stop', 'Cancel', false]],
  paused: [['resumeSession', 'debug-continue', 'Resume', true], ['cancelSession', 'debug-stop', 'Cancel', false]],
  failed: [['resumeSession', 'debug-restart', 'Retry from the last checkpoint', true]],
  completed: [],
};

/** The actions of an open session's header. */
export function detailActions(row: Pick<SessionRow, 'status' | 'live'>): SessionAction[] {
  const base: SessionAction[] = [];
  if (row.status === 'running') base.push(['pauseSession', 'debug-pause', 'Pause', true], ['cancelSession', 'debug-stop', 'Cancel', false]);
  else if (row.status === 'waiting') base.push(['resumeSession', 'bell', 'Answer', true], ['pauseSession', 'debug-pause', 'Pause', false], ['cancelSession', 'debug-stop', 'Cancel', false]);
  else if (row.status === 'interrupted' || row.status === 'paused') base.push(['resumeSession', 'debug-continue', 'Resume', true], ['cancelSession', 'debug-stop', 'Cancel', false]);
  else if (row.status === 'failed') base.push(['resumeSession', 'debug-restart', 'Retry', true]);
  // A waiting session whose run is alive would refuse the rewind: it is offered once paused.
  if (row.status !== 'running' && !row.live) base.push(['rewindSession', 'history', 'Rewind…', false]);
  base.push(['forkSession', 'repo-forked', 'Fork…', false]);
  return base;
}
