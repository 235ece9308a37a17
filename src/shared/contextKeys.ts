import type { SessionAtGlance } from './statusLook';

const unfinished = (s: SessionAtGlance) => s.status !== 'completed' && s.status !== 'failed';

/**
 * The context keys the palette's `when` clauses read (package.json `menus.commandPalette`), so that
 * a command is offered only when it has a session to act on. `live`: a run of the session is alive
 * in this window (only those can be paused here).
 */
export function contextKeys(sessions: readonly SessionAtGlance[], live: (id: string) => boolean): Record<string, boolean> {
  return {
    'savepoint.anyWaiting': sessions.some((s) => s.status === 'waiting'),
    'savepoint.anyRunning': sessions.some((s) => live(s.id)),
    'savepoint.anyResumable': sessions.some((s) => s.status !== 'completed' && !live(s.id)),
    'savepoint.anyUnfinished': sessions.some(unfinished),
  };
}
