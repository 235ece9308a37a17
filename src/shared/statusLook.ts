import { shownTitle } from './notificationText';

/** What the status bar and the palette need of a session. */
export interface SessionAtGlance {
  id: string;
  title: string;
  status: string;
}

/** The Savepoint status bar item; undefined: hidden. */
export interface StatusLook {
  text: string;
  tooltip: string;
  command: string;
  /** Drawn with the warning background: the user is waited for. */
  warning: boolean;
}

/** At most this many sessions are named in the tooltip; the rest are counted. */
const MAX_NAMED = 3;

const named = (list: readonly SessionAtGlance[]): string => {
  const names = list.slice(0, MAX_NAMED).map((s) => `"${shownTitle(s.title, 50)}"`);
  const more = list.length - names.length;
  return `${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
};

/**
 * The status bar item for the sessions of the store: the approvals waiting for the user first (a
 * click answers them), else the sessions running (`live`: in this window, or journaled as running by
 * another window that holds the store), a click shows them in the sidebar; hidden when none.
 */
export function statusLook(sessions: readonly SessionAtGlance[], live: (id: string) => boolean): StatusLook | undefined {
  const waiting = sessions.filter((s) => s.status === 'waiting');
  const running = sessions.filter((s) => s.status === 'running' || (s.status !== 'waiting' && live(s.id)));
  const runs = running.length ? `${running.length} session${running.length === 1 ? '' : 's'} running` : '';
  if (waiting.length) {
    const text = `$(bell-dot) Savepoint: ${waiting.length} approval${waiting.length === 1 ? '' : 's'} waiting${runs ? `, ${running.length} running` : ''}`;
    return { text, tooltip: `Waiting for your decision: ${named(waiting)}. Click to answer.`, command: 'savepoint.answerApprovals', warning: true };
  }
  if (running.length) return { text: `$(sync~spin) Savepoint: ${runs}`, tooltip: `Running: ${named(running)}. Click to show the sessions.`, command: 'savepoint.sessions.focus', warning: false };
  return undefined;
}

/**
 * Applies the looks `next` is given in the order they were asked for: one that arrives after a later
 * one (a slow read of the store) is dropped, so that a stale look never stays on screen.
 */
export function latestOnly<T>(apply: (v: T) => void): (next: Promise<T>) => Promise<void> {
  let asked = 0;
  let shown = 0;
  return async (next) => {
    const mine = ++asked;
    const v = await next;
    if (mine < shown) return;
    shown = mine;
    apply(v);
  };
}
