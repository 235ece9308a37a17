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
