import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { StoreHost } from '../../../src/extension/storeHost';
import type { SessionId } from '../../../src/core/store/types';
import { commitSteps, contextIn } from '../sidebarFakes';
import { WindowStub } from '../helpers';

/**
 * The editor's housekeeping (StoreHost.tidy, run once after the restart recovery) with the user's
 * savepoint.retention.* as VS Code reads them: finished sessions past the limit go, the others and
 * the one this window runs stay, and nothing goes with the default (no limit).
 */
describe('Retention in the editor', () => {
  let log: vscode.LogOutputChannel;
  let dir: string;
  let host: StoreHost;
  let ui: WindowStub;
  const settings = () => vscode.workspace.getConfiguration('savepoint');

  before(() => {
    log = vscode.window.createOutputChannel('Savepoint integration (retention)', { log: true });
    dir = mkdtempSync(join(tmpdir(), 'savepoint-integ-retention-'));
    host = new StoreHost(contextIn(dir), log);
    ui = new WindowStub().install();
  });
  after(async () => {
    ui?.restore();
    await settings().update('retention.keepLastSessions', undefined, vscode.ConfigurationTarget.Global);
    await host?.dispose();
    log?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps everything by default, then deletes the finished sessions past keepLastSessions, never a paused one or one this window runs', async () => {
    const { store } = await host.get();
    assert.ok(store);
    const made: Record<string, SessionId> = {};
    for (const [title, status] of [['oldest done', 'completed'], ['paused', 'paused'], ['older done', 'completed'], ['running here', 'completed'], ['newest done', 'completed']] as const) {
      const id = (await store.createSession({ title, status })).id;
      await commitSteps(store, id, 0, 1, 1, title);
      made[title] = id;
      // Each a later last update than the one before: keepLastSessions keeps the newest, which a tie in the same millisecond left to chance.
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(await host.tidy(() => false), [], 'the default keeps every session');
    assert.equal(ui.calls.filter((c) => /deleted/.test(c.message)).length, 0, 'nothing deleted, nothing said');
    await settings().update('retention.keepLastSessions', 1, vscode.ConfigurationTarget.Global);
    const deleted = await host.tidy((id) => id === made['running here']);
    assert.deepEqual(new Set(deleted), new Set([made['oldest done'], made['older done']]));
    // Sessions gone from the sidebar without a word read as lost: the user is told which, and why.
    const told = ui.calls.find((c) => c.kind === 'info' && /deleted 2 finished sessions/.test(c.message));
    assert.ok(told, `the user is told what retention deleted; notifications: ${JSON.stringify(ui.calls.map((c) => c.message))}`);
    assert.match(told.message, /"oldest done"/);
    assert.match(told.message, /"older done"/);
    assert.match(told.message, /savepoint\.retention\.keepLastSessions is 1/);
    const left = (await host.listSessions()).map((s) => s.title).sort();
    assert.deepEqual(left, ['newest done', 'paused', 'running here']);
  });
});
