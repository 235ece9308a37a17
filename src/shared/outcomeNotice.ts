import { shownTitle } from './notificationText';

/** How a run of a session ended, as the editor tells the user: its outcome, or the error that stopped it. */
export type RunEnd = { status: 'completed' | 'failed' | 'waiting' | 'paused'; reason?: string } | { status: 'error'; error: string };

/** A button of an outcome's notification. */
export type OutcomeAction = 'Show' | 'Resume' | 'Show Logs';

export interface OutcomeNotice {
  level: 'info' | 'error';
  text: string;
  actions: OutcomeAction[];
}

/**
 * The notification a run's end gets (none for a pause or a question: the user is there, or is asked).
 * It names the session as an approval does (several run at once, in the background), and offers what
 * comes next: Show opens it in the sidebar, Resume goes on from its latest checkpoint.
 */
export function outcomeNotice(end: RunEnd, title?: string): OutcomeNotice | undefined {
  const who = `Savepoint${title ? ` (${shownTitle(title)})` : ''}: the session`;
  if (end.status === 'completed') return { level: 'info', text: `${who} completed.`, actions: ['Show'] };
  if (end.status === 'failed') return { level: 'error', text: `${who} failed: ${end.reason ?? 'unknown reason'}. Resume retries it from its latest checkpoint.`, actions: ['Resume', 'Show'] };
  if (end.status === 'error') return { level: 'error', text: `${who} stopped on an error (${end.error}). Nothing is lost: Resume goes on from its latest checkpoint.`, actions: ['Resume', 'Show Logs'] };
  return undefined;
}
