import type { SessionSummary } from '../store/types';
import type { SessionRow } from '../../shared/protocol';
import type { TreeSession } from '../../shared/sessionTree';

/**
 * The sidebar's rows. A fork names the session it came from (the title, looked up among the rows,
 * null when that session was deleted) and the step, so the list shows the tree of sessions.
 */
export function toRows(list: readonly SessionSummary[]): SessionRow[] {
  const titles = new Map<string, string>(list.map((s) => [s.id, s.title]));
  return list.map((s) => toRow(s, titles));
}

export function toRow(s: SessionSummary, titles: ReadonlyMap<string, string> = new Map()): SessionRow {
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    steps: s.stepCount,
    tokens: s.tokens.input + s.tokens.output + s.tokens.cacheRead + s.tokens.cacheWrite,
    costUsd: s.costUsd,
    pendingApproval: s.pendingApproval ? { tool: s.pendingApproval.tool, summary: s.pendingApproval.summary, requestedAt: s.pendingApproval.requestedAt } : null,
    forkOf: s.parent ? { id: s.parent.sessionId, title: titles.get(s.parent.sessionId) ?? null, step: s.parent.step ?? null } : null,
    ...(s.queued ? { queued: queuedRow(s.queued.behind, titles) } : {}),
  };
}

/** A stored session as the tree of sessions sees it (`sessionTree.ts`). */
export const treeNode = (s: SessionSummary): TreeSession => ({ id: s.id, title: s.title, createdAt: s.createdAt, forkOf: s.parent ? { id: s.parent.sessionId, step: s.parent.step ?? null } : null });

function queuedRow(behind: string | undefined, titles: ReadonlyMap<string, string>): NonNullable<SessionRow['queued']> {
  const title = behind === undefined ? undefined : titles.get(behind);
  return { ...(behind !== undefined ? { behind } : {}), ...(title !== undefined ? { title } : {}) };
}

/**
 * A new session's title from its task: the first line with text (a task written in an editor or
 * piped to the CLI has several), trimmed, cut to 80 characters (not inside one) ending with "...".
 */
export function taskTitle(task: string): string {
  const line = task.split(/\r\n|\r|\n/).find((l) => l.trim() !== '')?.trim() ?? task.trim();
  const chars = [...line];
  return chars.length > 80 ? `${chars.slice(0, 77).join('')}...` : line;
}
