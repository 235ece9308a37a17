import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { type DiskCheckpointStore, openCheckpointStore } from '../../../src/core/store/openStore';
import type { FolderCaptures } from '../../../src/extension/folderCaptures';
import type { SessionService } from '../../../src/extension/sessionService';
import { activateExtension, workspaceRoot, WindowStub } from '../helpers';
import { privateService, seeder } from '../privateService';

/**
 * What only writes a session's journal (Cancel, a pin) starts no work it does not need: the
 * folder's change capture (its index of every file, slow on a big folder, and its file watchers)
 * is not made for it.
 */
describe('Journal operations', () => {
  let ui: WindowStub;
  let dir: string;
  let store: DiskCheckpointStore;
  let service: SessionService | undefined;
  let log: vscode.LogOutputChannel;
  beforeEach(async () => {
    ui = new WindowStub().install();
    dir = await mkdtemp(join(tmpdir(), 'savepoint-journal-ops-'));
    store = await openCheckpointStore({ dir: join(dir, 'store'), onLocked: 'fail' });
    log = vscode.window.createOutputChannel('Savepoint integration (journal operations)', { log: true });
  });
  afterEach(async () => {
    ui.restore();
    service?.dispose();
    service = undefined;
    log.dispose();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('Cancel and Pin do not make the folder\'s change capture', async () => {
    const ext = await activateExtension();
    const seeds = seeder(store);
    const pinned = await seeds.start({ task: 'a session to pin a fact in', models: ['claude-sonnet-4-6'] });
    const cancelled = await seeds.start({ task: 'a session to cancel', models: ['claude-sonnet-4-6'] });
    service = privateService(store, dir, log, ext.extensionPath);
    await service.pinFact(pinned, 'the tests run with npm test');
    await service.cancel(cancelled);
    assert.equal((await store.getSession(cancelled))?.status, 'failed', 'the session is cancelled');
    // The service's own captures (private): whether the folder's was made.
    const captures = (service as unknown as { captures: FolderCaptures }).captures;
    assert.equal(captures.in(workspaceRoot()).made, false, "the folder's change capture was made (its index built) for a cancel or a pin");
    assert.deepEqual(ui.errors(), []);
  });
});
