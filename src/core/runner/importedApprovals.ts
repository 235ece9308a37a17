import type { PendingApprovalSummary, SessionStatus } from '../store/types';
import { type ApprovalRequestedData, type RunnerEvent, approvalKind, question } from './runEvents';
import { type CallState, initialRunState, reduce } from './runState';
import { summaryOf } from './sessionJournal';

/**
 * An approval is the answer of the person who gave it, in the workspace it was given in. A session
 * imported from an export carries its approvals in, and one given for a call that had not run yet
 * would let the call run here, on this user's files, unasked. So the import journals each such
 * question again, after the events it carries (whose meaning stays as recorded): the call waits for
 * an answer given here. A session resumed in its own store is never asked again.
 */

/** The kinds of question whose approval lets a call run or write: a tool call, a command cut off by a crash, a conflicting file. */
const LETS_RUN = ['tool', 'command_rerun', 'conflict'];

/**
 * Whether `call`'s latest answer lets it run (or write) at the next resume. A command found started
 * without a result is asked about anyway (`rerunQuestion`) unless the answer was to that question,
 * and one that only waited for its turn never ran: it would start.
 */
function approvedNotRun(call: CallState): boolean {
  const latest = call.decision && call.decision.approvalId === call.approvalId ? call.decision : undefined;
  if (call.result || !latest || (latest.decision !== 'approve' && latest.decision !== 'edit')) return false;
  const kind = approvalKind(latest.approvalId) ?? '';
  if (!LETS_RUN.includes(kind)) return false;
  const asksAnyway = call.started && call.name === 'run_command' && kind === 'tool' && !(call.queued && !call.queued.check);
  return !asksAnyway;
}

export interface AskedAgain {
  /** The questions to journal after the imported events (none: nothing to ask again). */
  events: RunnerEvent[];
  /** The session's status and the question it waits for, with those events. */
  status: SessionStatus;
  pendingApproval: PendingApprovalSummary | null;
}

/**
 * The questions to ask again for `events` (the imported journal, seq 1, 2, 3…, with what the import
 * adds to it), journaled from `nextSeq` on, asked at `now`: each the question its call was approved
 * with, under a new id, saying why it is asked again. Pure.
 */
export function askedAgainOnImport(events: readonly { type: string; data: unknown }[], nextSeq: number, now: number): AskedAgain | undefined {
  let s = initialRunState();
  const asked = new Map<string, ApprovalRequestedData>();
  for (const e of events) {
    s = reduce(s, e as RunnerEvent);
    if (e.type === 'approval_requested') {
      const d = e.data as ApprovalRequestedData;
      asked.set(d.approvalId, d);
    }
  }
  const again: RunnerEvent[] = [];
  for (const call of s.calls.filter(approvedNotRun)) {
    const was = call.approvalId ? asked.get(call.approvalId) : undefined;
    if (!was) continue;
    const { approvalId: _old, activeMs: _ms, ...rest } = was as ApprovalRequestedData & { activeMs?: number };
    const edited = call.decision?.decision === 'edit';
    const reason = `approved${edited ? ' with an edit' : ''} where the session was exported, not here: asked again before it runs${edited ? ', as the model made the call (the edit is not carried)' : ''}`;
    again.push(question(nextSeq + again.length, { ...rest, reasons: [reason, ...rest.reasons], requestedAt: now }));
  }
  if (again.length === 0) return undefined;
  for (const e of again) s = reduce(s, e);
  // The row as a commit of these events would make it.
  const row = summaryOf(s);
  return { events: again, status: row.status ?? s.status, pendingApproval: row.pendingApproval ?? null };
}
