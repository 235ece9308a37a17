import assert from 'node:assert/strict';
import { LIST_ACTIONS, detailActions } from '../../../src/shared/sessionActions';

/**
 * A session waiting at an approval offered "Rewind…" in its header; the rewind was refused with
 * "pause the session before rewinding it", and neither the header nor the row offered a Pause.
 */
describe('the sidebar actions of a session', () => {
  const commands = (a: readonly (readonly unknown[])[]) => a.map((x) => x[0]);

  it('a session waiting for an answer can be paused from its header and its row, so that it can be rewound', () => {
    assert.ok(commands(detailActions({ status: 'waiting' })).includes('pauseSession'));
    assert.ok(commands(LIST_ACTIONS.waiting).includes('pauseSession'));
    assert.ok(commands(detailActions({ status: 'waiting' })).includes('rewindSession'));
  });

  it('a waiting session offers no Rewind while its run is alive (the rewind would be refused), and offers it once paused', () => {
    assert.ok(!commands(detailActions({ status: 'waiting', live: true })).includes('rewindSession'));
    assert.ok(commands(detailActions({ status: 'waiting', live: true })).includes('pauseSession'), 'Pause is what makes the rewind possible');
    assert.ok(commands(detailActions({ status: 'waiting', live: false })).includes('rewindSession'));
    assert.ok(commands(detailActions({ status: 'paused' })).includes('rewindSession'));
  });
});
