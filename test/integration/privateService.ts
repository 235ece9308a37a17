import { join } from 'node:path';
import type * as vscode from 'vscode';
import { AnthropicLlmClient } from '../../src/core/model/anthropicLlmClient';
import { NodeProcessRunner } from '../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/core/node/nodeWorkspace';
import { Runner } from '../../src/core/runner/runner';
import type { DiskCheckpointStore } from '../../src/core/store/openStore';
import { builtinTools } from '../../src/core/tools/registry';
import { CheckCommandConsent } from '../../src/extension/checkCommandConsent';
import { SessionService } from '../../src/extension/sessionService';
import type { StoreHost } from '../../src/extension/storeHost';
import { workspaceRoot } from './helpers';

/** A memento kept in memory (the check command's consent of a service made by a test). */
const memento = (): vscode.Memento => {
  const m = new Map<string, unknown>();
  return { keys: () => [...m.keys()], get: <T>(k: string, d?: T) => (m.has(k) ? (m.get(k) as T) : d), update: async (k: string, v: unknown) => void m.set(k, v) } as vscode.Memento;
};

/** A runner on the test workspace that only starts sessions in `store` (its model is unreachable: nothing runs). */
export function seeder(store: DiskCheckpointStore): Runner {
  return new Runner({
    store,
    llm: new AnthropicLlmClient({ apiKey: 'unused', baseURL: 'http://127.0.0.1:9' }),
    tools: builtinTools(),
    toolContext: { workspace: new NodeWorkspace(workspaceRoot()), processes: new NodeProcessRunner(), diagnostics: { collect: async () => [] } },
    approvals: { ask: async () => 'park' },
  });
}

/** The extension's SessionService on a store of the test's own (in `dir`), not the extension's; it parks every question. */
export function privateService(store: DiskCheckpointStore, dir: string, log: vscode.LogOutputChannel, extensionPath: string): SessionService {
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
  return new SessionService(host, secrets, { ask: async () => 'park' }, log, extensionPath, new CheckCommandConsent(memento()));
}
