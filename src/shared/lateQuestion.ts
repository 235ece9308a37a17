import { shownTitle } from './notificationText';

/**
 * Why a question shown before its run stopped can no longer be answered, from its session's summary
 * (undefined: the session was deleted): the session was cancelled or failed, or it finished. Undefined
 * while the question may still be open (the session waits, is paused or interrupted): the answer is
 * then asked for and journaled. Said before any reply or reason is typed, which would be thrown away.
 */
export function lateQuestionGone(session: { title: string; status: string } | undefined): string | undefined {
  if (!session) return 'that session was deleted meanwhile, so nothing was recorded.';
  const named = `the session "${shownTitle(session.title)}"`;
  if (session.status === 'failed') return `${named} was stopped meanwhile (cancelled, or failed), so its question is no longer open and nothing was recorded. Retry the session to be asked again.`;
  if (session.status === 'completed') return `${named} finished meanwhile, so its question is no longer open and nothing was recorded.`;
  return undefined;
}

/**
 * Why an answer given after its run stopped was not recorded, the question not being the one the
 * session waits for (answered elsewhere meanwhile, from the CLI, the status bar or another window,
 * or the session moved on): by the session's title, and what to answer instead when it asks
 * something else now. `session` as read after the refusal (undefined: deleted meanwhile).
 */
export function lateAnswerRefused(session: { title: string; status: string; pendingApproval: { id: string } | null } | undefined, approvalId: string): string {
  const gone = lateQuestionGone(session);
  if (gone || !session) return gone ?? 'that session was deleted meanwhile, so nothing was recorded.';
  const named = `the session "${shownTitle(session.title)}"`;
  const open = session.pendingApproval;
  if (open && open.id !== approvalId) return `${named} no longer asks that question (it was answered elsewhere, or the session went on), so your answer was not recorded. It asks another question now: answer that one.`;
  return `${named} no longer asks that question (it was answered elsewhere, or the session went on), so your answer was not recorded.`;
}
