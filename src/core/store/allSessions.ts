import type { ListSessionsOptions, SessionPage, SessionSummary } from './types';

/** Every session a `listSessions` pages through, newest update first. */
export async function allSessions(list: (options: ListSessionsOptions) => Promise<SessionPage>, pageSize = 200): Promise<SessionSummary[]> {
  const out: SessionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: pageSize, ...(cursor ? { cursor } : {}) });
    out.push(...page.sessions);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
