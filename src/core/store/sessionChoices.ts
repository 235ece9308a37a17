import type { SessionSummary } from './types';

/** What a session picker reads of the workspace's store (the extension's StoreHost). */
export interface ChoiceSource {
  get(): Promise<{ store: unknown; error: string | null }>;
  listSessions(): Promise<SessionSummary[]>;
}

/**
 * The sessions a picker offers (newest first), or why it offers none: the store did not open
 * ('closed', with the reason the user is told), it holds no session ('empty'), or none the filter
 * takes ('filtered'). A store that did not open lists nothing, which is not "no session".
 */
export type SessionChoices = { sessions: SessionSummary[] } | { none: 'closed'; error: string } | { none: 'empty' | 'filtered' };

export async function sessionChoices(source: ChoiceSource, filter: (s: SessionSummary) => boolean): Promise<SessionChoices> {
  const { store, error } = await source.get();
  if (!store) return { none: 'closed', error: error ?? 'The session store is not open.' };
  const all = await source.listSessions();
  const list = all.filter(filter).sort((a, b) => b.updatedAt - a.updatedAt);
  if (list.length) return { sessions: list };
  return { none: all.length ? 'filtered' : 'empty' };
}
