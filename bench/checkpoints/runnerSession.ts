import type { Message } from '../../src/core/model/types';
import { DEFAULT_APPROVAL_POLICY } from '../../src/core/runner/approvalPolicy';
import { callKey } from '../../src/core/runner/loopDetector';
import type { Finding, PlannedMutation, RunnerEvent, StepDiagnostics, ToolResultData } from '../../src/core/runner/runEvents';
import { type AppendExtras, SessionJournal, hashBytes, hashMessage } from '../../src/core/runner/sessionJournal';
import { compareFindings, findingsBlob } from '../../src/core/runner/stepDiagnostics';
import { type Outliner, type SymbolSnapshot, symbolSnapshot } from '../../src/core/runner/stepEffects';
import type { CheckpointStore } from '../../src/core/store/checkpointStore';
import type { BlobInput, EffectWrite, SessionId } from '../../src/core/store/types';
import type { StepPlan } from '../store/scenario';

/**
 * A W1 session journaled the way the runner journals a step (src/core/runner/runner.ts and
 * toolCalls.ts), through the product's `SessionJournal.append`:
 *   1. the model turn is staged (`model_turn` + the assistant message as a blob);
 *   2. the call's plan and intent go out in ONE synced batch with it (`tool_planned` +
 *      `tool_started` with `mutations`, the intent effect, and the file's before/after contents as
 *      blobs, the after with `deltaBase` = the before, as `changeBlobs` does);
 *   3. the edit is written to disk;
 *   4. the result goes out (`tool_result` with the step's diagnostics and, for an edit, the symbol
 *      lines and the file's outline as a blob (the AST snapshot, read by the real outliner before
 *      the append, as the runner does) + `message_added` with the tool_result message as a blob,
 *      the result effect), with `deferSync` as `finish` does for every call but `run_command`.
 * A step's checkpoint time is (2) + (4): everything the journal costs for the step.
 */
const MODEL = 'claude-sonnet-4-5';
const SYSTEM = 'You are a careful coding agent working in the user\'s workspace through the tools you are given.';

export interface StepTiming {
  intentMs: number;
  resultMs: number;
  /** CPU (all threads) during both appends. */
  cpuMs: number;
}

export interface FileEdit {
  path: string;
  before: Uint8Array;
  after: Uint8Array;
}

const TSC_LINE = /^(.+)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;

/** `tsc` output as the findings the product keeps (what `Diagnostics.collect` returns, mapped). */
export function parseTsc(text: string): Finding[] {
  const out: Finding[] = [];
  for (const line of text.split('\n')) {
    const m = TSC_LINE.exec(line);
    if (m) out.push({ path: m[1] as string, line: Number(m[2]), column: Number(m[3]), severity: m[4] as 'error' | 'warning', message: m[6] as string, code: m[5] as string });
  }
  return out;
}

const time = async (f: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

export class RunnerSession {
  private lastFindings: Finding[] = [];

  private constructor(
    private readonly j: SessionJournal,
    private readonly outliner: Outliner | undefined,
  ) {}

  get id(): SessionId {
    return this.j.id;
  }

  /** Creates the session and journals its start, as `Runner.start` does. */
  static async start(store: CheckpointStore, title: string, outliner?: Outliner): Promise<RunnerSession> {
    const summary = await store.createSession({ title, status: 'running' });
    const j = await SessionJournal.open(store, summary.id);
    const first: Message = { role: 'user', content: title };
    await j.append(0, [
      {
        type: 'session_started',
        data: { task: title, system: SYSTEM, models: [MODEL], maxTokens: 8192, budgets: {}, policy: DEFAULT_APPROVAL_POLICY, firstMessage: hashMessage(first) },
      },
    ], { messages: [first] });
    return new RunnerSession(j, outliner);
  }

  /** One W1 step; `applyEdit` writes the edit to disk between the intent and the result (not timed). */
  async step(plan: StepPlan, edit: FileEdit | undefined, applyEdit: () => Promise<void>): Promise<StepTiming> {
    const assistant = JSON.parse(plan.assistant) as Message;
    const user = JSON.parse(plan.user) as Message;
    const call = { id: plan.toolUseId, name: plan.tool };
    const toolUse = Array.isArray(assistant.content) ? assistant.content.find((b) => b.type === 'tool_use') : undefined;
    const input = toolUse && toolUse.type === 'tool_use' ? toolUse.input : {};
    const turn: RunnerEvent = {
      type: 'model_turn',
      data: { turn: plan.step, message: hashMessage(assistant), calls: [call], stopReason: 'tool_use', usage: { input: 2000 + plan.step * 1800, output: 450, cacheRead: 0, cacheWrite: 0 }, costUsd: 0.01, model: MODEL, attempts: 1, retries: [] },
    };
    this.j.stage(plan.step, [turn], { messages: [assistant] });
    const mutations: PlannedMutation[] | undefined = edit ? [{ path: edit.path, beforeHash: hashBytes(edit.before), afterHash: hashBytes(edit.after) }] : undefined;
    const category = edit ? 'mutate' : 'read';
    const intent: RunnerEvent[] = [
      { type: 'tool_planned', data: { callId: call.id, name: call.name, category, input, ...(mutations ? { mutations } : {}) } },
      { type: 'tool_started', data: { callId: call.id, ...(mutations ? { mutations } : {}) } },
    ];
    const intentExtras: AppendExtras = {
      effects: [{ step: plan.step, actionId: call.id, phase: 'intent', data: { name: call.name, input, ...(mutations ? { mutations } : {}) } }],
      blobs: edit ? [{ content: edit.before }, { content: edit.after, deltaBase: hashBytes(edit.before) }] : [],
    };
    const c0 = process.cpuUsage();
    const intentMs = await time(() => this.j.append(plan.step, intent, intentExtras));
    let cpu = process.cpuUsage(c0);
    await applyEdit();
    // As the runner does: the outline is read once the edit is on disk, before the result is journaled (not timed).
    const symbols = edit ? await symbolSnapshot(this.outliner, [{ path: edit.path, before: edit.before, after: edit.after }]) : undefined;
    const result = this.result(plan, call, input, user, edit !== undefined, symbols);
    const c1 = process.cpuUsage();
    const resultMs = await time(() => this.j.append(plan.step, result.events, result.extras));
    const cpu2 = process.cpuUsage(c1);
    cpu = { user: cpu.user + cpu2.user, system: cpu.system + cpu2.system };
    return { intentMs, resultMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  }

  /** Ends the session as a pause does, so that a rewind may run (`requireIdle`). */
  async pause(): Promise<void> {
    await this.j.append(this.j.state.turn, [{ type: 'status', data: { status: 'paused', reason: 'bench' } }]);
  }

  private result(plan: StepPlan, call: { id: string; name: string }, input: unknown, user: Message, mutated: boolean, symbols: SymbolSnapshot | undefined): { events: RunnerEvent[]; extras: AppendExtras } {
    const block = Array.isArray(user.content) ? user.content[0] : undefined;
    const content = block && block.type === 'tool_result' ? block.content : '';
    const blobs: BlobInput[] = [];
    let diagnostics: StepDiagnostics | undefined;
    if (plan.compilerOutput !== undefined) {
      const findings = parseTsc(plan.compilerOutput);
      const { introduced, resolved } = compareFindings(this.lastFindings, findings);
      const before = this.lastFindings.filter((f) => f.severity === 'error').length;
      const blob = findingsBlob(findings);
      blobs.push({ content: blob.content });
      diagnostics = { errors: findings.length, warnings: 0, delta: { errors: findings.length - before, warnings: 0 }, introduced: introduced.slice(0, 10), introducedCount: introduced.length, resolvedCount: resolved, blob: blob.hash };
      this.lastFindings = findings;
    }
    if (symbols) blobs.push(...symbols.blobs);
    const data: ToolResultData = {
      callId: call.id,
      name: call.name,
      key: callKey(call.name, input),
      isError: false,
      content,
      progressed: mutated,
      ...(symbols?.lines.length ? { symbols: symbols.lines } : {}),
      ...(symbols?.outlines.length ? { outlines: symbols.outlines } : {}),
      ...(diagnostics ? { diagnostics } : {}),
    };
    const effects: EffectWrite[] = [{ step: plan.step, actionId: call.id, phase: 'result', data: { isError: false } }];
    return {
      events: [
        { type: 'tool_result', data },
        { type: 'message_added', data: { role: 'user', message: hashMessage(user), reason: 'tool_results' } },
      ],
      extras: { blobs, effects, messages: [user], deferSync: true },
    };
  }
}
