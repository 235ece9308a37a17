import { shownTitle } from './notificationText';

/** What the status bar and the palette need of a session. */
export interface SessionAtGlance {
  id: string;
  title: string;
  status: string;
  /** A command of it waits for its turn (another session's command runs in its folder). */
  queued?: object;
}

/** The Savepoint status bar item; undefined: hidden. */
export interface StatusLook {
  text: string;
  tooltip: string;
  command: string;
  /** Drawn with the warning background: the user is waited for. */
  warning: boolean;
}

const sessionCount = (n: number): string => `${n} session${n === 1 ? '' : 's'}`;

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
  const active = sessions.filter((s) => s.status === 'running' || (s.status !== 'waiting' && live(s.id)));
  // A session whose command waits for another's to end is not running it: told apart from one that is (or is stuck).
  const queued = active.filter((s) => s.status === 'running' && s.queued);
  const running = active.filter((s) => !queued.includes(s));
  const inTurn = `waiting ${queued.length === 1 ? 'its' : 'their'} turn`;
  const turns = queued.length ? `${queued.length} ${inTurn}` : '';
  const runs = running.length ? `${sessionCount(running.length)} running${turns ? `, ${turns}` : ''}` : queued.length ? `${sessionCount(queued.length)} ${inTurn}` : '';
  if (waiting.length) {
    const text = `$(bell-dot) Savepoint: ${waiting.length} approval${waiting.length === 1 ? '' : 's'} waiting${running.length ? `, ${running.length} running` : ''}${turns ? `, ${turns}` : ''}`;
    return { text, tooltip: `Waiting for your decision: ${named(waiting)}. Click to answer.`, command: 'savepoint.answerApprovals', warning: true };
  }
  const tooltip = [running.length ? `Running: ${named(running)}.` : '', queued.length ? `Waiting for another session's command in the folder to end: ${named(queued)}.` : ''].filter(Boolean).join(' ');
  if (active.length) return { text: `$(sync~spin) Savepoint: ${runs}`, tooltip: `${tooltip} Click to show the sessions.`, command: 'savepoint.sessions.focus', warning: false };
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
