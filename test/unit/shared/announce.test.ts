import assert from 'node:assert/strict';
import { statusAnnouncement } from '../../../src/shared/announce';
import type { SessionRow, SessionStatusView } from '../../../src/shared/protocol';

const row = (id: string, status: SessionStatusView, steps = 1): SessionRow => ({ id, title: `Task ${id}`, status, steps }) as unknown as SessionRow;

describe('statusAnnouncement: what the sidebar reads out to a screen reader', () => {
  it('names the sessions whose status changed, and a new one', () => {
    assert.equal(statusAnnouncement([row('a', 'running'), row('b', 'running')], [row('a', 'waiting'), row('b', 'running'), row('c', 'running')]), 'Task a: waiting for you. Task c: new session, running.');
  });

  it('says nothing for a step, a cost or a time that moved on, nor for the first list', () => {
    assert.equal(statusAnnouncement([row('a', 'running', 1)], [row('a', 'running', 2)]), '');
    assert.equal(statusAnnouncement(undefined, [row('a', 'running')]), '');
    assert.equal(statusAnnouncement([row('a', 'running')], []), '', 'a deleted session is not announced');
  });

  it('names three and counts the rest', () => {
    const before = ['a', 'b', 'c', 'd', 'e'].map((id) => row(id, 'running'));
    const after = before.map((r) => ({ ...r, status: 'completed' as const }));
    assert.equal(statusAnnouncement(before, after), 'Task a: completed. Task b: completed. Task c: completed. 2 more sessions changed.');
  });
});
