import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryContentStore } from '../core/capture/memoryContentStore';
import { AstOutliner } from '../core/code/astOutline';
import { languageForPath } from '../core/code/languages';
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
import type { Outliner } from '../core/runner/stepEffects';
import { type DiskCheckpointStore, openCheckpointStore } from '../core/store/openStore';
import { builtinTools } from '../core/tools/registry';
import type { LongTermMemory } from '../core/memory/longTermMemory';
import { memoryTools } from '../core/memory/memoryTools';
import { openMemory } from '../core/memory/openMemory';

export interface CliEnv {
  /** Watch the workspace for what commands change, and outline changed symbols (run/resume only). */
  codeAware?: boolean;
  workspace: string;
  /** The store directory; default: per workspace under the user's data directory. */
  store?: string;
  baseUrl?: string;
  apiKey?: string;
  checkCommand?: string;
  /** Long-term memory (workspace scope in the store, user scope under the data directory). */
  memory?: boolean;
  /** Run the check command after every step that changes files and journal the findings' delta. */
  diagnoseSteps?: boolean;
  modelPolicy?: ModelPolicyOptions;
}

/** Where the CLI keeps a workspace's sessions when --store is not given. */
export function defaultStoreDir(workspace: string): string {
  const data = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  const id = createHash('sha256').update(resolve(workspace)).digest('hex').slice(0, 16);
  return join(data, 'savepoint', 'workspaces', id);
}

/** Where the user-scope memory lives (shared by every workspace). */
export function userMemoryDir(): string {
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'savepoint', 'user-memory');
}

const noDiagnostics: Diagnostics = { collect: async () => [] };

export interface Composed {
  store: DiskCheckpointStore;
  memory: LongTermMemory | undefined;
  runner: Runner;
  workspace: Workspace;
  /** The runner's outliner (loads in the background; `ready()` waits for it), when code-aware. */
  outliner: Outliner | undefined;
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
  // The baseline scan reads the whole workspace: it runs while the model thinks, not before the first request.
  let baselineStarted = false;
  const startBaseline = () => {
    if (baselineStarted) return;
    baselineStarted = true;
    void capture?.start().catch(() => undefined);
    outliner?.load();
  };
  const mem = env.memory ? await openMemory(store, userMemoryDir()) : undefined;
  const outliner = env.codeAware ? lazyOutliner(() => AstOutliner.create(grammarLocation()).catch(() => undefined)) : undefined;
  const runner = new Runner({
    store,
    llm,
    tools: mem ? [...builtinTools(), ...memoryTools()] : builtinTools(),
    toolContext: { workspace, processes, diagnostics },
    ...(mem ? { memory: mem.memory } : {}),
    approvals: gate,
    ...(capture ? { capture } : {}),
    ...(env.codeAware ? { onModelRequest: startBaseline } : {}),
    ...(outliner ? { outliner } : {}),
    ...(env.checkCommand && env.diagnoseSteps ? { diagnoseSteps: true } : {}),
    ...extra,
  });
  return {
    store,
    memory: mem?.memory,
    runner,
    workspace,
    outliner,
    close: async () => {
      await capture?.dispose();
      await outliner?.dispose();
      await mem?.close();
      await store.close();
    },
  };
}

/** Inside the bundle (dist/cli.js) the grammars sit next to it; from out/ they come from node_modules. */
function grammarLocation(): { wasmDir?: string; runtimeWasmPath?: string } {
  const wasmDir = join(__dirname, 'grammars');
  return existsSync(wasmDir) ? { wasmDir, runtimeWasmPath: join(__dirname, 'web-tree-sitter.wasm') } : {};
}

/**
 * The outliner without waiting for it: loading tree-sitter must not delay the first model
 * request of a resume. It starts loading with that request; a step that changes files waits for it
 * (`ready`) before its symbol lines, so an edit applied before any request (`approve --resume`) has
 * them too. A grammar that fails to load leaves the steps without symbol lines.
 */
function lazyOutliner(create: () => Promise<AstOutliner | undefined>): Outliner & { load(): void; dispose(): Promise<void> } {
  let loading: Promise<AstOutliner | undefined> | undefined;
  let ready: AstOutliner | undefined;
  const load = () => {
    loading ??= create().then((o) => (ready = o));
    return loading;
  };
  return {
    outline: (path, text) => (ready ? ready.outline(path, text) : { language: null, symbols: [], hasSyntaxErrors: false }),
    supports: (path) => languageForPath(path) !== null,
    load: () => void load(),
    ready: async () => {
      await load();
    },
    dispose: async () => (loading ? (await loading)?.dispose() : undefined),
  };
}
