import assert from 'node:assert/strict';
import { lateAnswerRefused, lateQuestionGone } from '../../../src/shared/lateQuestion';

/**
 * A click on the notification of a question whose session stopped for good meanwhile (cancelled,
 * failed, finished, deleted): said at once, by the session's title, before any reply is typed.
 */
describe('a late click on the question of a session that ended', () => {
  it('names the session by its title and says that nothing was recorded, for a stopped, a finished and a deleted session', () => {
    assert.equal(lateQuestionGone({ title: 'Fix flaky tests', status: 'failed' }), 'the session "Fix flaky tests" was stopped meanwhile (cancelled, or failed), so its question is no longer open and nothing was recorded. Retry the session to be asked again.');
    assert.equal(lateQuestionGone({ title: 'Fix flaky tests', status: 'completed' }), 'the session "Fix flaky tests" finished meanwhile, so its question is no longer open and nothing was recorded.');
    assert.equal(lateQuestionGone(undefined), 'that session was deleted meanwhile, so nothing was recorded.');
  });

  it('says nothing while the question may still be open: the session waits, is paused or interrupted', () => {
    for (const status of ['waiting', 'paused', 'interrupted', 'running']) assert.equal(lateQuestionGone({ title: 't', status }), undefined, status);
  });

  it('shows a long or odd title on one line, cut short', () => {
    const said = lateQuestionGone({ title: `Line one\nline two ${'x'.repeat(100)}`, status: 'failed' }) ?? '';
    assert.match(said, /^the session "Line one ⏎ line two x+…" was stopped/);
  });
});

/**
 * An answer clicked on a question of a stopped run that the session no longer waits for (answered
 * meanwhile from the CLI, the status bar or another window): said by the session's title, not by
 * the runner's refusal, which names the session and the question by their ids.
 */
describe('a late answer to a question answered elsewhere', () => {
  const session = (pending: string | null, status = 'paused') => ({ title: 'Migrate the config', status, pendingApproval: pending === null ? null : { id: pending } });

  it('names the session by its title and says the answer was not recorded', () => {
    const said = lateAnswerRefused(session(null), 'appr-7');
    assert.equal(said, 'the session "Migrate the config" no longer asks that question (it was answered elsewhere, or the session went on), so your answer was not recorded.');
    assert.doesNotMatch(said, /appr-7/);
  });

  it('says when the session asks another question now, so that the user answers that one', () => {
    assert.match(lateAnswerRefused(session('appr-9', 'waiting'), 'appr-7'), /^the session "Migrate the config" no longer asks that question .* It asks another question now: answer that one\.$/);
  });

  it('says the session stopped, finished or was deleted when it did', () => {
    assert.match(lateAnswerRefused(session(null, 'failed'), 'appr-7'), /was stopped meanwhile/);
    assert.match(lateAnswerRefused(session(null, 'completed'), 'appr-7'), /finished meanwhile/);
    assert.equal(lateAnswerRefused(undefined, 'appr-7'), 'that session was deleted meanwhile, so nothing was recorded.');
  });
});
