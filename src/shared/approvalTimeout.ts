/**
 * The optional approval timeout (settings `savepoint.approval.timeoutMinutes` and `.timeoutAction`).
 * It counts from the journaled `requestedAt`, so it survives restarts: an approval found overdue
 * when the session is picked up again is decided at once. Pure: the clock is an argument.
 */

export type TimeoutAction = 'reject' | 'approve';

export interface ApprovalTimeout {
  /** 0: never time out. */
  minutes: number;
  action: TimeoutAction;
}

/** A week: longer timers overflow setTimeout, and a longer wait is as good as none. */
export const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;

export interface TimedOutAnswer {
  decision: 'approve' | 'reject';
  /** What happened, for the user's notice and the model. */
  text: string;
  /** The wait nobody answered within, in words ("5 minutes"). */
  timedOut: string;
}

export type TimeoutPlan = { type: 'never' } | { type: 'wait'; ms: number } | { type: 'decide'; answer: TimedOutAnswer };

/** Normalizes raw setting values: anything unexpected means "never" and "reject". */
export function approvalTimeoutFrom(minutes: unknown, action: unknown): ApprovalTimeout {
  const m = typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0 ? Math.min(minutes, MAX_TIMEOUT_MINUTES) : 0;
  return { minutes: m, action: action === 'approve' ? 'approve' : 'reject' };
}

/**
 * The answer a timed-out approval gets. Only tool calls may be approved by a timeout, and not those
 * only the user may approve (`userOnly`: destructive, an always-ask pattern, outside the workspace):
 * those, a conflict, a command re-run, an exhausted budget or a loop always get the safe answer (reject).
 */
export function timedOutAnswer(kind: string, t: ApprovalTimeout, userOnly = false): TimedOutAnswer {
  const decision = t.action === 'approve' && kind === 'tool' && !userOnly ? 'approve' : 'reject';
  const seconds = Math.round(t.minutes * 60);
  const after = seconds < 60 ? `${seconds} second${seconds === 1 ? '' : 's'}` : t.minutes === 1 ? '1 minute' : `${Math.round(t.minutes * 10) / 10} minutes`;
  const what = kind === 'tool' ? 'the call' : 'it';
  return { decision, timedOut: after, text: `Nobody answered this approval within ${after}, so the approval timeout ${decision === 'approve' ? 'approved' : 'rejected'} ${what} (setting savepoint.approval.timeoutAction).` };
}

/** What to do about a pending approval now: nothing, wait `ms`, or decide. */
export function timeoutPlan(request: { kind: string; requestedAt: number; userOnly?: boolean }, t: ApprovalTimeout, now: number): TimeoutPlan {
  if (t.minutes <= 0) return { type: 'never' };
  const left = request.requestedAt + t.minutes * 60_000 - now;
  return left > 0 ? { type: 'wait', ms: left } : { type: 'decide', answer: timedOutAnswer(request.kind, t, request.userOnly === true) };
}
