import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { AnthropicLlmClient } from '../../../src/core/model/anthropicLlmClient';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { Runner } from '../../../src/core/runner/runner';
import { type DiskCheckpointStore, openCheckpointStore } from '../../../src/core/store/openStore';
import { builtinTools } from '../../../src/core/tools/registry';
import { CheckCommandConsent } from '../../../src/extension/checkCommandConsent';
import type { FolderCaptures } from '../../../src/extension/folderCaptures';
import { SessionService } from '../../../src/extension/sessionService';
import type { StoreHost } from '../../../src/extension/storeHost';
import { activateExtension, workspaceRoot, WindowStub } from '../helpers';

const memento = (): vscode.Memento => {
  const m = new Map<string, unknown>();
  return { keys: () => [...m.keys()], get: <T>(k: string, d?: T) => (m.has(k) ? (m.get(k) as T) : d), update: async (k: string, v: unknown) => void m.set(k, v) } as vscode.Memento;
};

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
    const seeder = new Runner({
      store,
      llm: new AnthropicLlmClient({ apiKey: 'unused', baseURL: 'http://127.0.0.1:9' }),
      tools: builtinTools(),
      toolContext: { workspace: new NodeWorkspace(workspaceRoot()), processes: new NodeProcessRunner(), diagnostics: { collect: async () => [] } },
      approvals: { ask: async () => 'park' },
    });
    const pinned = await seeder.start({ task: 'a session to pin a fact in', models: ['claude-sonnet-4-6'] });
    const cancelled = await seeder.start({ task: 'a session to cancel', models: ['claude-sonnet-4-6'] });
    const host = {
      get: async () => ({ store, readOnly: false, error: null }),
      writable: async () => ({ store, readOnly: false, error: null }),
      listSessions: async () => (await store.listSessions({})).sessions,
      memory: async () => undefined,
      captureLogDir: join(dir, 'capture-log'),
      captureLogKey: async () => undefined,
      notifyChanged: () => undefined,
    } as unknown as StoreHost;
    const secrets = { get: async () => undefined } as unknown as vscode.SecretStorage;
    service = new SessionService(host, secrets, { ask: async () => 'park' }, log, ext.extensionPath, new CheckCommandConsent(memento()));
    await service.pinFact(pinned, 'the tests run with npm test');
    await service.cancel(cancelled);
    assert.equal((await store.getSession(cancelled))?.status, 'failed', 'the session is cancelled');
    // The service's own captures (private): whether the folder's was made.
    const captures = (service as unknown as { captures: FolderCaptures }).captures;
    assert.equal(captures.in(workspaceRoot()).made, false, "the folder's change capture was made (its index built) for a cancel or a pin");
    assert.deepEqual(ui.errors(), []);
  });
});
