import assert from 'node:assert/strict';
import { outcomeNotice } from '../../../src/shared/outcomeNotice';

/**
 * The notification at the end of a run. Several sessions can run at once, in the background: "the
 * session completed" alone does not say which, and a failure must be one click from what fixes it.
 */
describe('outcomeNotice: the end of a run names its session and offers what to do next', () => {
  const title = 'Add input validation to src/parser.ts';

  it('a completed session is named, and Show opens it', () => {
    const n = outcomeNotice({ status: 'completed' }, title);
    assert.equal(n?.level, 'info');
    assert.equal(n?.text, `Savepoint (${title}): the session completed.`);
    assert.deepEqual(n?.actions, ['Show']);
  });

  it('a failed session is named with its reason, and Resume retries it from its latest checkpoint', () => {
    const n = outcomeNotice({ status: 'failed', reason: 'the model refused the request' }, title);
    assert.equal(n?.level, 'error');
    assert.equal(n?.text, `Savepoint (${title}): the session failed: the model refused the request. Resume retries it from its latest checkpoint.`);
    assert.deepEqual(n?.actions, ['Resume', 'Show']);
  });

  it('a run stopped by an error is named, says nothing is lost, and offers Resume and the logs', () => {
    const n = outcomeNotice({ status: 'error', error: 'EACCES: permission denied' }, title);
    assert.equal(n?.level, 'error');
    assert.equal(n?.text, `Savepoint (${title}): the session stopped on an error (EACCES: permission denied). Nothing is lost: Resume goes on from its latest checkpoint.`);
    assert.deepEqual(n?.actions, ['Resume', 'Show Logs']);
  });

  it('a long or strange title is cut to one readable line; without a title the text says "the session"', () => {
    const n = outcomeNotice({ status: 'completed' }, `${'x'.repeat(200)}\n[click](command:evil)`);
    assert.ok(n && n.text.length < 100, n?.text);
    assert.ok(!n.text.includes('\n'));
    assert.equal(outcomeNotice({ status: 'completed' })?.text, 'Savepoint: the session completed.');
  });

  it('a pause or a question gets no notification', () => {
    assert.equal(outcomeNotice({ status: 'paused', reason: 'paused by the user' }, title), undefined);
    assert.equal(outcomeNotice({ status: 'waiting' }, title), undefined);
  });
});
