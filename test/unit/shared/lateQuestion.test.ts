import assert from 'node:assert/strict';
import { lateQuestionGone } from '../../../src/shared/lateQuestion';

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
