import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AnthropicLlmClient } from '../../../src/core/model/anthropicLlmClient';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ApprovalAnswer, ApprovalGate, ApprovalRequest } from '../../../src/core/ports/approvalGate';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import { Runner, type RunnerDeps } from '../../../src/core/runner/runner';
import { openCheckpointStore, type DiskCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { builtinTools } from '../../../src/core/tools/registry';

/** A gate that answers from a script (or parks), and remembers what it was asked. */
export class ScriptedGate implements ApprovalGate {
  readonly asked: ApprovalRequest[] = [];

  constructor(private readonly answer: (r: ApprovalRequest) => ApprovalAnswer | 'park' = () => ({ decision: 'approve' })) {}

  async ask(r: ApprovalRequest): Promise<ApprovalAnswer | 'park'> {
    this.asked.push(r);
    return this.answer(r);
  }
}

export interface Harness {
  root: string;
  workspace: string;
  store: DiskCheckpointStore;
  server: ScriptedModelServer;
  runner(gate?: ApprovalGate, extra?: Partial<RunnerDeps>): Runner;
  start(runner: Runner, task?: string): Promise<SessionId>;
  events(id: SessionId): Promise<RunnerEvent[]>;
  close(): Promise<void>;
}

/**
 * For a `describe` whose tests each make one harness: the returned function makes it (as `harness`
 * does), and the afterEach registered here closes it after the test.
 */
export function harnessPerTest(): (steps: StepInput[], files?: Record<string, string>) => Promise<Harness> {
  let open: Harness | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  return async (steps, files) => (open = await harness(steps, files));
}

export async function harness(steps: StepInput[], files: Record<string, string> = {}): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'savepoint-runner-'));
  const workspace = join(root, 'ws');
  await mkdir(workspace);
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, p)), { recursive: true });
    await writeFile(join(workspace, p), text);
  }
  const store = await openCheckpointStore({ dir: join(root, 'store'), onLocked: 'fail', syncWrites: false });
  const server = await ScriptedModelServer.start(steps);
  const llm = new AnthropicLlmClient({ apiKey: 'test', baseURL: server.url, policy: { initialDelayMs: 5, maxDelayMs: 40 } });
  const processes = new NodeProcessRunner();
  return {
    root,
    workspace,
    store,
    server,
    runner: (gate = new ScriptedGate(), extra = {}) =>
      new Runner({
        store,
        llm,
        tools: builtinTools(),
        toolContext: { workspace: new NodeWorkspace(workspace), processes, diagnostics: { collect: async () => [] } },
        approvals: gate,
        ...extra,
      }),
    start: (runner, task = 'do the task') => runner.start({ task, models: ['claude-sonnet-4-6'] }),
    async events(id) {
      const out: RunnerEvent[] = [];
      for await (const e of store.readEvents(id)) out.push({ type: e.type, data: e.data } as RunnerEvent);
      return out;
    },
    async close() {
      await server.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export const toolUse = (id: string, name: string, input: Record<string, unknown>, expect?: StepInput['expect']): StepInput => ({
  type: 'message',
  content: [{ type: 'text', text: `calling ${name}` }, { type: 'tool_use', id, name, input }],
  ...(expect ? { expect } : {}),
});

export const finalText = (text: string, expect?: StepInput['expect']): StepInput => ({ type: 'message', content: [{ type: 'text', text }], ...(expect ? { expect } : {}) });

/** A probe that throws at the n-th hit of a point: an in-process stand-in for a crash at that place. */
export class Crash extends Error {}
export const crashAt = (point: string) => (p: string) => {
  if (p === point) throw new Crash(`crash at ${p}`);
};

/** A state without its active run time, which is wall-clock time and differs between two runs of the same session. */
export const withoutRunTime = <S extends { counters: { activeMs?: number } }>(s: S): S => ({ ...s, counters: { ...s.counters, activeMs: 0 } });
