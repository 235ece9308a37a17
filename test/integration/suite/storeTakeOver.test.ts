import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { type CheckpointDeps, checkpointCommands } from '../../../src/extension/checkpointCommands';
import { READ_ONLY_HERE, readyToRun } from '../../../src/extension/readiness';
import { StoreHost } from '../../../src/extension/storeHost';
import { WindowStub } from '../helpers';
import { commitSteps, contextIn } from '../sidebarFakes';

/**
 * A window that shows the store read-only (another window held it) takes it over once that window
 * has closed, without a reload. Two store hosts on the same storage stand for the two windows.
 */
describe('Store take-over (the window that held the store has closed)', () => {
  let log: vscode.LogOutputChannel;
  let dir: string;
  let first: StoreHost | undefined;
  let second: StoreHost | undefined;

  before(() => {
    log = vscode.window.createOutputChannel('Savepoint integration (store take-over)', { log: true });
    dir = mkdtempSync(join(tmpdir(), 'savepoint-integ-take-over-'));
  });
  after(async () => {
    await first?.dispose();
    await second?.dispose();
    log?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stays read-only while the other window holds the store, then takes it over: writable, the same sessions, the copy removed', async () => {
    first = new StoreHost(contextIn(dir), log);
    const held = (await first.get()).store;
    assert.ok(held && !held.readOnly, 'the first window holds the store');
    const made = await held.createSession({ title: 'Made in the first window', status: 'paused' });
    second = new StoreHost(contextIn(dir), log);
    const shown = await second.get();
    assert.equal(shown.readOnly, true, 'the second window shows it read-only');
    const copyDir = shown.store?.copyDir;
    assert.ok(copyDir && existsSync(copyDir));
    assert.equal(await second.takeOver(), false, 'not while the first window holds it');
    assert.equal((await second.get()).readOnly, true);

    let changed = 0;
    let tookOver = 0;
    second.onDidChange(() => changed++);
    second.onDidTakeOver(() => tookOver++);
    await first.dispose();
    first = undefined;
    assert.equal(await second.takeOver(), true, 'taken over once the first window has closed');
    assert.deepEqual([changed, tookOver], [1, 1], 'the views are told, and the start-up work is due');
    const now = await second.get();
    assert.equal(now.readOnly, false);
    assert.ok(now.store && !now.store.readOnly && !now.store.copyDir);
    assert.deepEqual((await second.listSessions()).map((s) => s.title), ['Made in the first window']);
    await now.store.updateSession(made.id, { title: 'Renamed in the second window' });
    assert.equal((await now.store.getSession(made.id))?.title, 'Renamed in the second window', 'it writes');
    assert.equal(await second.takeOver(), true, 'asked again: it holds it already');
    assert.equal(tookOver, 1);
    // The copy goes once the reads under way on it are done (at the latest when the window closes).
    await second.dispose();
    second = undefined;
    assert.equal(existsSync(copyDir), false, 'the read-only copy was removed');
  });

  it('Fork in the window that showed the store read-only works once the other window has closed: no reload, no refusal', async () => {
    const where = mkdtempSync(join(tmpdir(), 'savepoint-integ-take-over-fork-'));
    const ui = new WindowStub().install();
    let holder: StoreHost | undefined = new StoreHost(contextIn(where), log);
    const reader = new StoreHost(contextIn(where), log);
    try {
      const held = (await holder.get()).store;
      assert.ok(held);
      const s = await held.createSession({ title: 'Forked after the take-over', status: 'paused' });
      await commitSteps(held, s.id, 0, 1, 2, 'Forked after the take-over');
      assert.equal((await reader.get()).readOnly, true);
      await holder.dispose();
      holder = undefined;
      const sessions = { isRunning: () => false, symbolOutliner: async () => undefined, holdWritesIn: () => () => () => undefined, folderOf: () => vscode.workspace.workspaceFolders?.[0], resume: async () => undefined } as unknown as CheckpointDeps['sessions'];
      const commands = checkpointCommands({ stores: reader, sessions, pickSession: async () => s.id, log });
      ui.on('inputBox', /What should the new session do from there\?/, () => 'Try the other way.');
      ui.on('info', /Resume It|fork|Fork/, () => undefined);
      await commands['savepoint.forkSession']?.(s.id, 1);
      assert.deepEqual(ui.calls.filter((c) => c.kind === 'warning').map((c) => c.message), [], 'no refusal');
      assert.deepEqual(ui.errors(), []);
      const state = await reader.get();
      assert.equal(state.readOnly, false);
      const fork = (await state.store?.listSessions({ limit: 50 }))?.sessions.find((x) => x.parent?.sessionId === s.id);
      assert.ok(fork, 'the fork was made in this window');
    } finally {
      ui.restore();
      await holder?.dispose();
      await reader.dispose();
      rmSync(where, { recursive: true, force: true });
    }
  });

  it('a run (New Session, Resume) in the window that showed the store read-only is refused while the other window holds it, and goes ahead once it has closed', async () => {
    const where = mkdtempSync(join(tmpdir(), 'savepoint-integ-take-over-run-'));
    let holder: StoreHost | undefined = new StoreHost(contextIn(where), log);
    const reader = new StoreHost(contextIn(where), log);
    const secrets = { get: async () => undefined } as unknown as vscode.SecretStorage;
    try {
      assert.ok((await holder.get()).store);
      assert.equal((await reader.get()).readOnly, true);
      await assert.rejects(readyToRun(reader, secrets, false), (e: unknown) => e instanceof Error && e.message === READ_ONLY_HERE);
      await holder.dispose();
      holder = undefined;
      const { store } = await readyToRun(reader, secrets, false);
      assert.equal(store.readOnly, false, 'taken over, no reload');
    } finally {
      await holder?.dispose();
      await reader.dispose();
      rmSync(where, { recursive: true, force: true });
    }
  });
});
