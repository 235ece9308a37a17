import { AnthropicLlmClient } from '../../src/core/model/anthropicLlmClient';
import { NodeProcessRunner } from '../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/core/node/nodeWorkspace';
import { Runner } from '../../src/core/runner/runner';
import { openCheckpointStore } from '../../src/core/store/openStore';
import { WorkspaceRegistry } from '../../src/core/store/workspaceRegistry';
import { builtinTools } from '../../src/core/tools/registry';
import { SEEDED_TITLE } from './scenario';

/**
 * Leaves what a crashed editor leaves behind, before the editor starts: a store holding a session
 * journaled as `running` that no process runs, registered in the extension's global workspace
 * registry for WORKSPACE so that activation adopts this store.
 *   node seedStore.js STORE_DIR GLOBAL_STORAGE_DIR WORKSPACE   → prints the session id
 */
async function main(): Promise<void> {
  const [storeDir, globalDir, workspace] = process.argv.slice(2);
  if (!storeDir || !globalDir || !workspace) throw new Error('usage: seedStore STORE_DIR GLOBAL_STORAGE_DIR WORKSPACE');
  const store = await openCheckpointStore({ dir: storeDir, onLocked: 'fail' });
  try {
    const runner = new Runner({
      store,
      // Never called: the session is only started, not run.
      llm: new AnthropicLlmClient({ apiKey: 'unused', baseURL: 'http://127.0.0.1:9' }),
      tools: builtinTools(),
      toolContext: { workspace: new NodeWorkspace(workspace), processes: new NodeProcessRunner(), diagnostics: { collect: async () => [] } },
      approvals: { ask: async () => 'park' },
    });
    const id = await runner.start({ task: SEEDED_TITLE, models: ['claude-sonnet-4-6'] });
    await new WorkspaceRegistry(globalDir).record(store.workspaceId, storeDir, [workspace]);
    process.stdout.write(`${id}\n`);
  } finally {
    await store.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
