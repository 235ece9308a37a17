import assert from 'node:assert/strict';
import { type StepAction, actionTitle, detailActions, historyLock, listActions, stepActions, undoRewindAction } from '../../../src/shared/sessionActions';

const commands = (a: readonly (readonly unknown[])[]) => a.map((x) => x[0]);

/**
 * A session waiting at an approval offered "Rewind…" in its header; the rewind was refused with
 * "pause the session before rewinding it", and neither the header nor the row offered a Pause.
 */
describe('the sidebar actions of a session', () => {
  it('a session waiting for an answer can be paused from its header and its row, so that it can be rewound', () => {
    assert.ok(commands(detailActions({ status: 'waiting', live: true })).includes('pauseSession'));
    assert.ok(commands(listActions({ status: 'waiting', live: true })).includes('pauseSession'));
    assert.ok(commands(detailActions({ status: 'waiting' })).includes('rewindSession'));
  });

  // Paused at its question, or after the editor restarted, a waiting session has no run to pause:
  // its Pause only said "that session is not running". It offers Answer, Cancel and Rewind then.
  it('offers Pause on a waiting session only while a run of it is alive', () => {
    for (const row of [{ status: 'waiting' as const }, { status: 'waiting' as const, live: false }]) {
      assert.deepEqual(commands(listActions(row)), ['resumeSession', 'cancelSession'], JSON.stringify(row));
      assert.deepEqual(commands(detailActions(row)), ['resumeSession', 'cancelSession', 'rewindSession', 'forkSession'], JSON.stringify(row));
    }
    assert.deepEqual(commands(listActions({ status: 'waiting', live: true })), ['resumeSession', 'pauseSession', 'cancelSession']);
    assert.deepEqual(commands(detailActions({ status: 'waiting', live: true })), ['resumeSession', 'pauseSession', 'cancelSession', 'forkSession']);
    assert.deepEqual(commands(listActions({ status: 'running', live: true })), ['pauseSession', 'cancelSession'], 'a running one keeps its Pause');
  });

  it('a waiting session offers no Rewind while its run is alive (the rewind would be refused), and offers it once paused', () => {
    assert.ok(!commands(detailActions({ status: 'waiting', live: true })).includes('rewindSession'));
    assert.ok(commands(detailActions({ status: 'waiting', live: true })).includes('pauseSession'), 'Pause is what makes the rewind possible');
    assert.ok(commands(detailActions({ status: 'waiting', live: false })).includes('rewindSession'));
    assert.ok(commands(detailActions({ status: 'paused' })).includes('rewindSession'));
  });
});

/**
 * While a session's run was alive, every step of its timeline offered Rewind: a click only got
 * "pause it first". The header already hid its Rewind then; the steps now say why instead.
 */
describe("the actions on a session's timeline steps", () => {
  const byCommand = (a: StepAction[], c: StepAction['command']) => a.find((x) => x.command === c);

  it('refuses Rewind and Undo with the reason while the session runs or its run is alive, and offers Fork', () => {
    for (const row of [{ status: 'running' as const }, { status: 'running' as const, live: true }, { status: 'waiting' as const, live: true }, { status: 'paused' as const, live: true }]) {
      const lock = historyLock(row);
      assert.ok(lock, `${JSON.stringify(row)} is locked`);
      const rewind = byCommand(stepActions(3, lock), 'rewindSession');
      assert.equal(rewind?.refused, lock);
      assert.match(actionTitle(rewind!), /^Rewind the workspace to before step 3 .*: unavailable while the session (runs|waits for your answer): pause it first$/);
      assert.equal(byCommand(stepActions(3, lock), 'forkSession')?.refused, null, 'a fork reads the history only');
      assert.match(actionTitle(undoRewindAction(7, lock)), /^Undo this rewind .*: unavailable while .*pause it first$/);
      assert.ok(!commands(detailActions(row)).includes('rewindSession'), 'the header agrees');
    }
  });

  it('offers Rewind and Undo once the run stopped, with the step before as the target', () => {
    for (const row of [{ status: 'waiting' as const, live: false }, { status: 'paused' as const }, { status: 'completed' as const }, { status: 'failed' as const }, undefined]) {
      const lock = historyLock(row);
      assert.equal(lock, null);
      const rewind = byCommand(stepActions(3, lock), 'rewindSession');
      assert.deepEqual([rewind?.arg, rewind?.refused, actionTitle(rewind!)], [2, null, 'Rewind the workspace to before step 3 (undo this step and everything after it)']);
      assert.equal(undoRewindAction(7, lock).refused, null);
      if (row) assert.ok(commands(detailActions(row)).includes('rewindSession'), 'the header agrees');
    }
  });
});

/**
 * With another window holding the store, the sidebar showed its sessions read-only, but every row
 * and header still offered Resume, Cancel, Rewind and Fork, and every step Rewind and Fork: each
 * click only got an error. Now nothing that changes the store is offered; the steps say why.
 */
describe('the actions of a session shown read-only (another window holds the store)', () => {
  const statuses = ['running', 'waiting', 'interrupted', 'paused', 'failed', 'completed'] as const;

  it('offers no action in the list or the header', () => {
    for (const status of statuses) {
      assert.deepEqual(listActions({ status, readOnly: true }), [], status);
      assert.deepEqual(detailActions({ status, readOnly: true }), [], status);
      assert.ok(detailActions({ status }).length > 0, `${status} has actions when the store is this window's`);
    }
  });

  it("refuses a step's Rewind, Fork and Undo with the reason", () => {
    const lock = historyLock({ status: 'completed', readOnly: true });
    assert.ok(lock);
    for (const a of [...stepActions(4, lock), undoRewindAction(9, lock)]) {
      assert.equal(a.refused, lock, a.command);
      assert.match(actionTitle(a), /: unavailable here: another window is using this workspace's sessions \(they are read-only in this one\)$/);
    }
  });
});
