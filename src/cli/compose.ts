import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryContentStore } from '../core/capture/memoryContentStore';
import { AstOutliner } from '../core/code/astOutline';
import { AnthropicLlmClient } from '../core/model/anthropicLlmClient';
import type { LlmClient } from '../core/model/llmClient';
import type { ModelPolicyOptions } from '../core/model/modelPolicy';
import { CommandDiagnostics } from '../core/node/commandDiagnostics';
import { NodeChangeCapture } from '../core/node/nodeChangeCapture';
import { NodeProcessRunner } from '../core/node/nodeProcessRunner';
import { NodeWorkspace } from '../core/node/nodeWorkspace';
import type { ApprovalGate } from '../core/ports/approvalGate';
import type { Diagnostics } from '../core/ports/diagnostics';
import type { Workspace } from '../core/ports/workspace';
import { Runner, type RunnerDeps } from '../core/runner/runner';
import { type DiskCheckpointStore, openCheckpointStore } from '../core/store/openStore';
import { builtinTools } from '../core/tools/registry';

export interface CliEnv {
  /** Watch the workspace for what commands change, and outline changed symbols (run/resume only). */
  codeAware?: boolean;
  workspace: string;
  /** The store directory; default: per workspace under the user's data directory. */
  store?: string;
  baseUrl?: string;
  apiKey?: string;
  checkCommand?: string;
  modelPolicy?: ModelPolicyOptions;
}

/** Where the CLI keeps a workspace's sessions when --store is not given. */
export function defaultStoreDir(workspace: string): string {
  const data = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  const id = createHash('sha256').update(resolve(workspace)).digest('hex').slice(0, 16);
  return join(data, 'savepoint', 'workspaces', id);
}

const noDiagnostics: Diagnostics = { collect: async () => [] };

export interface Composed {
  store: DiskCheckpointStore;
  runner: Runner;
  workspace: Workspace;
  close(): Promise<void>;
}

/** The CLI's composition root: the same core as the extension, with the plain-Node ports. */
export async function compose(env: CliEnv, gate: ApprovalGate, extra: Partial<RunnerDeps> = {}): Promise<Composed> {
  const store = await openCheckpointStore({ dir: env.store ?? defaultStoreDir(env.workspace), onLocked: 'fail' });
  const workspace = extra.toolContext?.workspace ?? new NodeWorkspace(env.workspace);
  const processes = new NodeProcessRunner();
  const diagnostics = env.checkCommand ? new CommandDiagnostics({ command: env.checkCommand, root: resolve(env.workspace), runner: processes }) : noDiagnostics;
  const llm: LlmClient =
    extra.llm ??
    new AnthropicLlmClient({
      apiKey: env.apiKey ?? process.env.ANTHROPIC_API_KEY ?? '',
      ...(env.baseUrl ? { baseURL: env.baseUrl } : {}),
      ...(env.modelPolicy ? { policy: env.modelPolicy } : {}),
    });
  const capture = env.codeAware ? new NodeChangeCapture(resolve(env.workspace), { contentStore: new MemoryContentStore() }) : undefined;
  void capture?.start().catch(() => undefined);
  const outliner = env.codeAware ? await AstOutliner.create().catch(() => undefined) : undefined;
  const runner = new Runner({
    store,
    llm,
    tools: builtinTools(),
    toolContext: { workspace, processes, diagnostics },
    approvals: gate,
    ...(capture ? { capture } : {}),
    ...(outliner ? { outliner } : {}),
    ...extra,
  });
  return {
    store,
    runner,
    workspace,
    close: async () => {
      await capture?.dispose();
      outliner?.dispose();
      await store.close();
    },
  };
}
