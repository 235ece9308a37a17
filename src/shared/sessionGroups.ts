import { STATUS_ORDER, type SessionRow, type SessionStatusView } from './protocol';

/**
 * Rows a group of the session list shows at first, and how many more each "Show more" adds. A
 * workspace of a thousand sessions would otherwise have a thousand rows, all updated again at every
 * change of a running session.
 */
export const GROUP_PAGE = 50;

export interface SessionGroup {
  status: SessionStatusView;
  /** Sessions in the group. */
  total: number;
  /** The newest first, at most the group's limit; none when the group is collapsed. */
  shown: SessionRow[];
  /** Left for "Show more" (0 when the group is collapsed). */
  hidden: number;
}

/**
 * The list's groups in status order (empty ones left out), each sorted newest update first and cut
 * to its limit: `limits` holds the groups the user asked to see more of, GROUP_PAGE otherwise.
 */
export function sessionGroups(sessions: readonly SessionRow[], collapsed: ReadonlySet<string>, limits: ReadonlyMap<string, number>): SessionGroup[] {
  const out: SessionGroup[] = [];
  for (const status of STATUS_ORDER) {
    const members = sessions.filter((s) => s.status === status);
    if (members.length === 0) continue;
    if (collapsed.has(status)) {
      out.push({ status, total: members.length, shown: [], hidden: 0 });
      continue;
    }
    const limit = Math.max(GROUP_PAGE, limits.get(status) ?? GROUP_PAGE);
    const shown = members.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
    out.push({ status, total: members.length, shown, hidden: members.length - shown.length });
  }
  return out;
}
