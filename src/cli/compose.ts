import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AstOutliner } from '../core/code/astOutline';
import { languageForPath } from '../core/code/languages';
import type { LlmClient } from '../core/model/llmClient';
import { CommandDiagnostics, checkCommandTimeoutMs } from '../core/node/commandDiagnostics';
import { NodeProcessRunner } from '../core/node/nodeProcessRunner';
import { NodeWorkspace } from '../core/node/nodeWorkspace';
import { STALE_SWEEP_MARKER, sweepStaleStagingWhenDue } from '../core/node/staleStaging';
import { sweepCrashLeftovers } from '../core/checkpoints/rewindPlan';
import { allSessions } from '../core/store/allSessions';
import type { ApprovalGate } from '../core/ports/approvalGate';
import type { Diagnostics } from '../core/ports/diagnostics';
import type { Workspace } from '../core/ports/workspace';
import type { Runner, RunnerDeps } from '../core/runner/runner';
import type { Outliner } from '../core/runner/stepEffects';
import type { SessionId } from '../core/store/types';
import { type DiskCheckpointStore, openCheckpointStore } from '../core/store/openStore';
import type { LongTermMemory } from '../core/memory/longTermMemory';
import { openMemory } from '../core/memory/openMemory';
import { type CliEnv, defaultStoreDir, userMemoryDir } from './cliEnv';
import type { ContentSource } from '../core/checkpoints/contentSource';
import { GitContents } from '../core/node/gitContents';

export { type CliEnv, defaultStoreDir, userMemoryDir } from './cliEnv';

const INTERRUPTED = 'its process (a CLI run or the editor) was killed or crashed';

const noDiagnostics: Diagnostics = { collect: async () => [] };

export interface Composed {
  store: DiskCheckpointStore;
  memory: LongTermMemory | undefined;
  runner: Runner;
  workspace: Workspace;
  /** The workspace's git, read-only: where a rewind looks for contents the session kept by hash only (verified against the hash). */
  fromGit: ContentSource;
  /** The runner's outliner (loads in the background; `ready()` waits for it), when code-aware. */
  outliner: Outliner | undefined;
  /**
   * What crashed rewinds and writes left beside the workspace's files: those their records name
   * (`sweepCrashLeftovers`), before it returns; and, in the background while the command runs, the
   * stale staged files no record names (`sweepStaleStagingWhenDue`: a walk of the whole workspace, at
   * most once a day), which `close` waits for.
   */
  sweepLeftovers(): Promise<void>;
  /**
   * Sessions the store says are running, though this process holds the store and runs none (the run
   * that had them was killed or crashed): marked interrupted, with what their commands still run
   * stopped, as the editor does at its start. Nothing in a read-only copy. The ids marked.
   */
  recoverInterrupted(): Promise<SessionId[]>;
  close(): Promise<void>;
}

/** The CLI's composition root: the same core as the extension, with the plain-Node ports. */
export async function compose(env: CliEnv, gate: ApprovalGate, extra: Partial<RunnerDeps> = {}): Promise<Composed> {
  const storeDir = resolve(env.store ?? defaultStoreDir(env.workspace));
  // A command that only reads works on a copy while the editor holds the store; one that writes is refused (LOCKED) and says so.
  const store = await openCheckpointStore({ dir: storeDir, onLocked: env.readsOnly ? 'readonly' : 'fail' });
  const workspace = extra.toolContext?.workspace ?? new NodeWorkspace(env.workspace);
  const processes = new NodeProcessRunner(process.env, env.settings?.secretEnvNames ? { names: env.settings.secretEnvNames } : {});
  const diagnostics = env.checkCommand ? new CommandDiagnostics({ command: env.checkCommand, root: resolve(env.workspace), runner: processes, timeoutMs: checkCommandTimeoutMs(env.checkTimeoutSeconds) }) : noDiagnostics;
  // Loaded only where used: the model client, the runner and tree-sitter were most of a command's start-up.
  const logDir = `${storeDir}-capture-log`;
  const capture = env.codeAware && env.runs ? await captureFor(env.workspace, logDir, env.settings) : undefined;
  // The baseline scan reads the whole workspace: it runs while the model thinks, not before the first request.
  let baselineStarted = false;
  const startBaseline = () => {
    if (baselineStarted) return;
    baselineStarted = true;
    void capture?.start().catch(() => undefined);
    outliner?.load();
  };
  const mem = env.memory ? await openMemory(store, userMemoryDir()) : undefined;
  const outliner = env.codeAware ? lazyOutliner(() => import('../core/code/astOutline').then(({ AstOutliner }) => AstOutliner.create(grammarLocation())).catch(() => undefined)) : undefined;
  const build = async (): Promise<Runner> => {
    const made = await runnerModules();
    const llm: LlmClient =
      extra.llm ??
      new made.AnthropicLlmClient({
        apiKey: env.apiKey ?? process.env.ANTHROPIC_API_KEY ?? '',
        ...(env.baseUrl ? { baseURL: env.baseUrl } : {}),
        ...(env.modelPolicy ? { policy: env.modelPolicy } : {}),
        ...(env.streamIdleMs !== undefined ? { streamIdleMs: env.streamIdleMs } : {}),
      });
    return new made.Runner({
      store,
      llm,
      tools: mem ? [...made.builtinTools(), ...made.memoryTools()] : made.builtinTools(),
      toolContext: { workspace, processes, diagnostics, secrets: processes.secretMask() },
      ...(mem ? { memory: mem.memory } : {}),
      approvals: gate,
      ...(capture ? { capture: await inFolderTurns(capture, env.workspace) } : {}),
      ...(env.codeAware ? { onModelRequest: startBaseline } : {}),
      ...(outliner ? { outliner } : {}),
      ...(env.checkCommand && env.diagnoseSteps ? { diagnoseSteps: true } : {}),
      ...(env.maxContinuations !== undefined ? { maxContinuations: env.maxContinuations } : {}),
      ...(env.settings ? { policy: env.settings.policy, context: env.settings.context, maxFileBytes: env.settings.maxFileBytes } : {}),
      ...extra,
    });
  };
  const runner = env.runs ? await build() : undefined;
  let staleSweep: Promise<unknown> | undefined;
  return {
    store,
    memory: mem?.memory,
    get runner(): Runner {
      if (!runner) throw new Error('internal: this command was composed without the runner (CliEnv.runs)');
      return runner;
    },
    workspace,
    fromGit: new GitContents(resolve(env.workspace)),
    outliner,
    sweepLeftovers: async () => {
      staleSweep ??= sweepStaleStagingWhenDue(env.workspace, join(logDir, STALE_SWEEP_MARKER)).catch(() => undefined);
      await sweepCrashLeftovers(store, workspace, await allSessions(store.listSessions.bind(store)));
    },
    recoverInterrupted: async () => {
      if (store.readOnly) return [];
      // A row with no record was never started by a runner (another tool made it): nothing ran it.
      const stale = (await allSessions(store.listSessions.bind(store))).filter((s) => s.status === 'running' && s.headSeq > 0);
      if (stale.length === 0) return [];
      // Loaded only here: the runner records the status and stops what the dead run's commands still run.
      const r = runner ?? (await build());
      const marked: SessionId[] = [];
      for (const s of stale) {
        // Best effort, as at the editor's start: a journal the runner cannot read (another tool's records) is left as it is, and the command goes on.
        if (await r.markInterrupted(s.id, INTERRUPTED).catch(() => false)) marked.push(s.id);
      }
      return marked;
    },
    close: async () => {
      await staleSweep;
      await capture?.dispose();
      await outliner?.dispose();
      await mem?.close();
      await store.close();
    },
  };
}

async function runnerModules() {
  const [{ Runner }, { AnthropicLlmClient }, { builtinTools }, { memoryTools }] = await Promise.all([
    import('../core/runner/runner'),
    import('../core/model/anthropicLlmClient'),
    import('../core/tools/registry'),
    import('../core/memory/memoryTools'),
  ]);
  return { Runner, AnthropicLlmClient, builtinTools, memoryTools };
}

/** The workspace's change capture, its log (for a command a crash cuts off) in `logDir`, beside the store; the settings' ignored paths and size limit. */
async function captureFor(workspace: string, logDir: string, settings: CliEnv['settings']) {
  const [{ NodeChangeCapture }, { MemoryContentStore }] = await Promise.all([import('../core/node/nodeChangeCapture'), import('../core/capture/memoryContentStore')]);
  return new NodeChangeCapture(resolve(workspace), { contentStore: new MemoryContentStore(), logDir, ...(settings ? { ignore: settings.ignore, maxFileBytes: settings.maxFileBytes } : {}) });
}

/**
 * The capture taking its turns in the folder with every other process's commands (the editor's,
 * other CLI runs' with their own stores): one command (or check) at a time in a folder.
 */
async function inFolderTurns(capture: NonNullable<Awaited<ReturnType<typeof captureFor>>>, workspace: string) {
  const [{ SerialCapture }, { CommandTurns }, { FolderTurnLock }] = await Promise.all([import('../core/capture/serialCapture'), import('../core/capture/commandTurns'), import('../core/node/folderTurnLock')]);
  return new SerialCapture(capture, new CommandTurns(new FolderTurnLock(resolve(workspace))));
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
