import { AnthropicLlmClient } from '../../src/core/model/anthropicLlmClient';
import type { LlmClient } from '../../src/core/model/llmClient';
import { NodeProcessRunner } from '../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/core/node/nodeWorkspace';
import { Runner } from '../../src/core/runner/runner';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { SessionId } from '../../src/core/store/types';
import { builtinTools } from '../../src/core/tools/registry';

/**
 * Resumes a paused session in a fresh process and reports when, counted from this process's
 * start, the first new model request left. node resumeChild.js STORE WORKSPACE URL SESSION
 */
async function main(): Promise<void> {
  const [storeDir, ws, url, sid] = process.argv.slice(2);
  if (!storeDir || !ws || !url || !sid) throw new Error('usage: resumeChild STORE WORKSPACE URL SESSION');
  const importedMs = performance.now();
  const store = await openCheckpointStore({ dir: storeDir, onLocked: 'fail' });
  const openedMs = performance.now();
  const real = new AnthropicLlmClient({ apiKey: 'bench', baseURL: url });
  let firstRequestMs = -1;
  const llm: LlmClient = {
    complete: (req, onEvent) => {
      if (firstRequestMs < 0) firstRequestMs = performance.now();
      return real.complete(req, onEvent);
    },
  };
  const runner = new Runner({
    store,
    llm,
    tools: builtinTools(),
    toolContext: { workspace: new NodeWorkspace(ws), processes: new NodeProcessRunner(), diagnostics: { collect: async () => [] } },
    approvals: { ask: async () => ({ decision: 'approve' }) },
  });
  const out = await runner.run(sid as SessionId);
  await store.close();
  process.stdout.write(`${JSON.stringify({ status: out.status, importedMs, openedMs, firstRequestMs })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
