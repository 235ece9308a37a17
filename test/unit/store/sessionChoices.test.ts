import assert from 'node:assert/strict';
import { sessionChoices } from '../../../src/core/store/sessionChoices';
import type { SessionSummary } from '../../../src/core/store/types';

const summary = (id: string, status: SessionSummary['status'], updatedAt: number) => ({ id, title: id, status, updatedAt }) as unknown as SessionSummary;
const source = (open: boolean, list: SessionSummary[], error: string | null = null) => ({
  get: async () => ({ store: open ? {} : undefined, error }),
  listSessions: async () => (open ? list : []),
});

/**
 * A session picker that has nothing to offer says why: a store that did not open (damaged, another
 * key, a full disk) is not "no session", which reads as if the sessions were gone.
 */
describe('sessionChoices: what a session picker offers, or why it offers nothing', () => {
  it('the sessions the filter takes, newest first', async () => {
    const r = await sessionChoices(source(true, [summary('a', 'completed', 1), summary('b', 'interrupted', 3), summary('c', 'paused', 2)]), (s) => s.status !== 'completed');
    assert.deepEqual('sessions' in r ? r.sessions.map((s) => s.id) : r, ['b', 'c']);
  });

  it('a store that did not open: its reason, not "no session"', async () => {
    const why = 'The session store is damaged. Show Logs has the details; nothing was deleted.';
    assert.deepEqual(await sessionChoices(source(false, [], why), () => true), { none: 'closed', error: why });
  });

  it('a store with no session at all, and one whose sessions the filter does not take, are told apart', async () => {
    assert.deepEqual(await sessionChoices(source(true, []), () => true), { none: 'empty' });
    assert.deepEqual(await sessionChoices(source(true, [summary('a', 'completed', 1)]), (s) => s.status === 'waiting'), { none: 'filtered' });
  });
});
