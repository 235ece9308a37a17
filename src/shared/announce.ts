import type { SessionRow, SessionStatusView } from './protocol';

const SAID: Record<SessionStatusView, string> = {
  running: 'running',
  waiting: 'waiting for you',
  paused: 'paused',
  interrupted: 'interrupted',
  completed: 'completed',
  failed: 'failed',
};

/** At most this many sessions are named in one announcement; the rest are counted. */
const MAX_NAMED = 3;

/**
 * What the sidebar's status region reads out when the list changes: the sessions whose status
 * changed ("Migrate the API: waiting for you"), and a session that started. '' when nothing a
 * screen reader user needs to hear changed (a step, a cost, the time since the last update).
 * The page itself is not a live region: every row and timeline entry it redraws was read out.
 */
export function statusAnnouncement(before: readonly SessionRow[] | undefined, after: readonly SessionRow[]): string {
  if (!before) return '';
  const was = new Map(before.map((s) => [s.id, s.status]));
  const changed = after.filter((s) => was.get(s.id) !== s.status);
  if (changed.length === 0) return '';
  const named = changed.slice(0, MAX_NAMED).map((s) => `${s.title}: ${was.has(s.id) ? '' : 'new session, '}${SAID[s.status]}.`);
  const more = changed.length - named.length;
  return [...named, ...(more > 0 ? [`${more} more session${more === 1 ? '' : 's'} changed.`] : [])].join(' ');
}
