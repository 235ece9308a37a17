import assert from 'node:assert/strict';
import { latestOnly, statusLook } from '../../../src/shared/statusLook';

const s = (id: string, status: string, title = `task ${id}`) => ({ id, title, status });
const none = () => false;

describe('statusLook: the status bar says what runs and what waits', () => {
  it('a session waiting for the user: the warning item, naming it, a click answers', () => {
    const look = statusLook([s('a', 'waiting', 'Fix the parser'), s('b', 'completed')], none);
    assert.equal(look?.text, '$(bell-dot) Savepoint: 1 approval waiting');
    assert.equal(look?.command, 'savepoint.answerApprovals');
    assert.equal(look?.warning, true);
    assert.match(look?.tooltip ?? '', /Fix the parser/);
  });

  it('sessions running in the background show, with how many, naming them; a click shows them', () => {
    const look = statusLook([s('a', 'running', 'Fix the parser'), s('b', 'running', 'Add tests'), s('c', 'failed')], (id) => id !== 'c');
    assert.equal(look?.text, '$(sync~spin) Savepoint: 2 sessions running');
    assert.equal(statusLook([s('a', 'running')], () => true)?.text, '$(sync~spin) Savepoint: 1 session running');
    assert.equal(look?.warning, false);
    assert.equal(look?.command, 'savepoint.sessions.focus');
    assert.match(look?.tooltip ?? '', /Fix the parser/);
    assert.match(look?.tooltip ?? '', /Add tests/);
  });

  it('waiting comes first, and what runs besides is said too', () => {
    assert.equal(statusLook([s('a', 'waiting'), s('b', 'waiting'), s('c', 'running')], () => true)?.text, '$(bell-dot) Savepoint: 2 approvals waiting, 1 running');
  });

  it('hidden once every session has ended; many are counted, not all named', () => {
    assert.equal(statusLook([s('a', 'completed'), s('b', 'failed'), s('c', 'interrupted'), s('d', 'paused')], none), undefined);
    const many = Array.from({ length: 30 }, (_, i) => s(`w${i}`, 'waiting'));
    const tip = statusLook(many, none)?.tooltip ?? '';
    assert.match(tip, /and 27 more/);
    assert.ok(tip.length < 600, tip);
  });
});

describe('latestOnly: a slow look at the store never replaces a newer one', () => {
  it('the answers of overlapping refreshes apply in the order they were asked; an older one arriving last is dropped', async () => {
    const shown: string[] = [];
    const refresh = latestOnly((v: string) => void shown.push(v));
    let first!: (v: string) => void;
    const slow = refresh(new Promise<string>((r) => (first = r)));
    const fast = refresh(Promise.resolve('0 waiting'));
    await fast;
    first('1 waiting');
    await slow;
    assert.deepEqual(shown, ['0 waiting']);
  });
});
