import type { ListSessionsOptions, SessionPage, SessionSummary } from './types';

/**
 * Every session a `listSessions` pages through, newest update first. Pages as large as a page may
 * be (10,000): each is one range read, so up to that many sessions are listed as they were at one
 * moment. Across pages a session updated meanwhile moves above the cursor and may be missed (or,
 * read again, it is listed once, where first met).
 */
export async function allSessions(list: (options: ListSessionsOptions) => Promise<SessionPage>, pageSize = 10_000): Promise<SessionSummary[]> {
  const out: SessionSummary[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await list({ limit: pageSize, ...(cursor ? { cursor } : {}) });
    for (const s of page.sessions) if (!seen.has(s.id) && seen.add(s.id)) out.push(s);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
