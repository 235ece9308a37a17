import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { type DiskCheckpointStore, openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { recover } from '../../../src/extension/recovery';
import { NotReady } from '../../../src/extension/readiness';
import type { SessionService } from '../../../src/extension/sessionService';
import { activateExtension, WindowStub } from '../helpers';
import { privateService, seeder } from '../privateService';

/** Makes `vscode.workspace.isTrusted` say `trusted` (the suite runs with workspace trust turned off, so always trusted); returns the undo. */
function trust(trusted: boolean): () => void {
  const ws = vscode.workspace as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(ws, 'isTrusted');
  Object.defineProperty(ws, 'isTrusted', { configurable: true, get: () => trusted });
  return () => (own ? Object.defineProperty(ws, 'isTrusted', own) : delete ws.isTrusted);
}

/**
 * A restricted workspace (not trusted): Savepoint shows its sessions but runs neither the agent nor
 * its tools. What only writes the journal (marking a session the editor's stop cut off as
 * interrupted) still happens, and what would run the agent says why not and how to trust the workspace.
 */
describe('restricted workspace', () => {
  let ui: WindowStub;
  let untrust: (() => void) | undefined;
  let dir: string;
  let store: DiskCheckpointStore;
  let service: SessionService | undefined;
  let log: vscode.LogOutputChannel;
  beforeEach(async () => {
    ui = new WindowStub().install();
    dir = await mkdtemp(join(tmpdir(), 'savepoint-restricted-'));
    store = await openCheckpointStore({ dir: join(dir, 'store'), onLocked: 'fail' });
    log = vscode.window.createOutputChannel('Savepoint integration (restricted)', { log: true });
  });
  afterEach(async () => {
    untrust?.();
    untrust = undefined;
    ui.restore();
    service?.dispose();
    service = undefined;
    log.dispose();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the restart recovery marks a session the editor left running as interrupted, and Resume says how to trust the workspace', async () => {
    const ext = await activateExtension();
    // What a crashed editor leaves: a session journaled as running that no process runs.
    const seeds = seeder(store);
    const id: SessionId = await seeds.start({ task: 'left running by a crash', models: ['claude-sonnet-4-6'] });
    assert.equal((await store.getSession(id))?.status, 'running');
    service = privateService(store, dir, log, ext.extensionPath);
    untrust = trust(false);
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace reads as restricted');

    ui.on('warning', /interrupted when the editor stopped/, () => 'Resume');
    let refreshed = false;
    await recover(service, { refresh: async () => void (refreshed = true) }, log, async () => undefined);
    assert.equal((await store.getSession(id))?.status, 'interrupted', 'marked interrupted, not left "running"');
    assert.ok(refreshed, 'the status bar is refreshed');
    const told = ui.calls.find((c) => c.kind === 'warning' && /restricted workspace/.test(c.message));
    assert.ok(told, `Resume says why it cannot run: ${JSON.stringify(ui.calls.map((c) => c.message))}`);
    assert.deepEqual(told.args.slice(1), ['Manage Workspace Trust']);
    assert.equal((await store.getSession(id))?.status, 'interrupted', 'nothing ran');
    // Resume Session asked directly: refused the same way.
    await assert.rejects(service.resume(id), (e: unknown) => e instanceof NotReady && /restricted workspace/.test(e.message) && e.action?.command === 'workbench.trust.manage');
    assert.deepEqual(ui.errors(), []);
  });

  it('New Session says the workspace is restricted before asking for the task, so nothing typed is lost', async () => {
    await activateExtension();
    untrust = trust(false);
    ui.on('inputBox', /What should the agent do\?/, () => 'a task typed for nothing');
    await vscode.commands.executeCommand('savepoint.newSession');
    assert.deepEqual(ui.calls.filter((c) => c.kind === 'inputBox').map((c) => c.message), [], 'no task asked for');
    const told = ui.calls.find((c) => c.kind === 'warning' && /restricted workspace/.test(c.message));
    assert.ok(told, `the user is told why: ${JSON.stringify(ui.calls.map((c) => c.message))}`);
    assert.deepEqual(told.args.slice(1), ['Manage Workspace Trust']);
    assert.deepEqual(ui.errors(), []);
  });
});
