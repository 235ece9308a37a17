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

/**
 * One listing of every session for the callers that ask while it is read: the views an editor
 * refreshes at one change (the sidebar, the status bar, the approval timeouts) read a thousand
 * rows once, not once each. A call after `changed()` never joins a listing that started before
 * it; a listing that ended is not kept. Each caller gets its own array.
 */
export class SharedListing {
  private pending: { generation: number; rows: Promise<SessionSummary[]> } | undefined;
  private generation = 0;

  constructor(private readonly list: () => Promise<SessionSummary[]>) {}

  get(): Promise<SessionSummary[]> {
    if (this.pending?.generation !== this.generation) {
      const rows = this.list().finally(() => {
        if (this.pending?.rows === rows) this.pending = undefined;
      });
      this.pending = { generation: this.generation, rows };
    }
    return this.pending.rows.then((r) => [...r]);
  }

  /** The sessions changed: the next call reads them again. */
  changed(): void {
    this.generation++;
  }
}
