import type { LlmClient, LlmEvent } from '../model/llmClient';
import { ModelError } from '../model/modelError';
import type { ContentBlock, Message } from '../model/types';
import type { ApprovalAnswer, ApprovalGate } from '../ports/approvalGate';
import type { ChangeCapture } from '../ports/changeCapture';
import type { CheckpointStore } from '../store/checkpointStore';
import type { MemoryPort } from '../memory/memoryPort';
import type { WriteOrigin } from '../memory/memoryTypes';
import type { SessionId } from '../store/types';
import { oneSessionOpAtATime } from '../store/sessionOps';
import type { Tool, ToolContext } from '../tools/tool';
import { type ApprovalPolicy, DEFAULT_APPROVAL_POLICY } from './approvalPolicy';
import { type Budgets, describeExhaustion, exhausted, ownCounters } from './budgets';
import { RunClocks } from './runClocks';
import { answerEvents } from './approvalAnswer';
import { type LoopOptions, detectLoop } from './loopDetector';
import { type ApprovalRequestedData, type RunnerEvent, question, spentEvents } from './runEvents';
import { nextOpenCall, reduce, turnSettled } from './runState';
import { RunnerError, SessionJournal, hashMessage } from './sessionJournal';
import { type Outliner, listEffects } from './stepEffects';
import { Compactor } from './compactor';
import { ToolCalls } from './toolCalls';
import { type ContextOptions, messageChars, needsCompaction } from './compaction';
import { driftText, episodeOnce } from './sessionNotes';
import { modelTurn } from './modelTurn';
import { stopOrphans } from './interruptedCommand';
import { isUserStop } from './stopReasons';
import { taskTitle } from './sessionRows';
import { type QueueNotice, withCheckTurns } from './checkTurns';
export { PAUSED_BY_USER } from './stopReasons';

/** The status reason of a session whose question was answered between runs (`Runner.decide`). */
export const ANSWERED_BETWEEN_RUNS = 'the answer is recorded; resume the session to go on';

export interface RunnerDeps {
  store: CheckpointStore;
  llm: LlmClient;
  tools: readonly Tool[];
  /** The tools' view of the world; the runner adds the abort signal. */
  toolContext: Omit<ToolContext, 'signal'>;
  approvals: ApprovalGate;
  /**
   * The approval policy of this run (the settings now): calls planned from now on are asked about by
   * it, not by the one the session started with (used when absent). A function is asked at every call
   * planned, so that a setting changed while the session runs applies to its next call.
   */
  policy?: ApprovalPolicy | (() => ApprovalPolicy);
  now?: () => number;
  loop?: LoopOptions;
  /** Live progress for a UI: committed events, streamed text, retries. */
  onEvent?: (e: RunnerNotice) => void;
  /**
   * Called at named points of the loop (after each commit, inside tool calls). Crash tests use it
   * to SIGKILL the process at exact places; it has no effect otherwise.
   */
  probe?: (point: string) => void;
  /** Captures what commands change besides their output (files created, modified, deleted, renamed). */
  capture?: ChangeCapture;
  /**
   * Files over this size are kept by hash only where nothing needs their contents to replay a step:
   * the old contents of a file a tool deletes (the capture has its own limit). Default 5 MB.
   */
  maxFileBytes?: number;
  /** Symbol outlines for the files a step changes. */
  outliner?: Outliner;
  /** Record the findings (`toolContext.diagnostics`) after every step that changes files, with the delta; off by default (a check command can be slow). */
  diagnoseSteps?: boolean;
  /**
   * Long-term memory: bound to each tool call (remember/recall/forget), consulted for the system
   * prompt when a session starts, and given an episode when a session completes.
   */
  memory?: SessionMemory;
  /** When older turns are summarized to stay inside the model's window; false: never. Default: on at 70 %. */
  context?: ContextOptions | false;
  /** Called as each model request goes out (work that can wait for the model, such as a capture's baseline, starts here). */
  onModelRequest?: () => void;
  /** Requests to go on with a text answer cut short, in a row, before the session completes with it incomplete. Default 3. */
  maxContinuations?: number;
}

/** What the runner needs of long-term memory (LongTermMemory implements it). */
export interface SessionMemory {
  port(origin: WriteOrigin): MemoryPort;
  /** `leftOutPinned`: pinned memories the budget had no room for (the text names them to the model). */
  selectForPrompt(query: string, tokenBudget: number): { text: string; leftOutPinned?: readonly { id: string }[] };
  /** Reads again what another process wrote to a scope this one only reads a copy of (best effort; before the prompt is chosen). */
  refresh?(): Promise<void>;
}

/** Memories put into a new session's system prompt, at most this many tokens. */
const MEMORY_PROMPT_TOKENS = 1500;

export type RunnerNotice =
  | { type: 'committed'; sessionId: SessionId; events: RunnerEvent[] }
  | { type: 'model'; sessionId: SessionId; event: LlmEvent } | QueueNotice;

export interface StartOptions {
  task: string;
  title?: string;
  system?: string;
  models: string[];
  maxTokens?: number;
  budgets?: Budgets;
  policy?: ApprovalPolicy;
  /** A given session id (a test or a script replaying a fixture); a fresh ULID otherwise. */
  id?: SessionId;
}

export interface RunOptions {
  /**
   * The models to ask from now on (the settings' or the command line's at a resume): journaled when they differ from the
   * session's, so that a session stopped by a model name the API does not know goes on once the name is corrected. Absent or empty: the session's own.
   */
  models?: readonly string[];
}

export interface RunOutcome {
  sessionId: SessionId;
  status: 'completed' | 'failed' | 'waiting' | 'paused';
  reason?: string;
}

const DEFAULT_SYSTEM = "You are a careful coding agent working in the user's workspace through the tools you are given. Read before you edit, keep changes minimal, and say briefly what you did when you are done.";

/**
 * The durable agent loop. Every model turn, tool call, approval and decision is journaled before
 * the loop moves past it, so `run` can be called again by any process after a crash: it continues
 * from the journal and repeats nothing that completed (see ToolCalls for the call in flight).
 */
export class Runner {
  private readonly now: () => number;
  private readonly calls: ToolCalls;
  private readonly compactor: Compactor;
  private readonly clocks: RunClocks;

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? Date.now;
    this.clocks = new RunClocks(this.now);
    this.calls = new ToolCalls(withCheckTurns(deps), this.now, (j, step, events, extras) => this.commit(j, step, events, extras));
    this.compactor = new Compactor(deps, (j, step, events, extras) => this.commit(j, step, events, extras));
  }

  /** Creates the session and journals its start. Nothing runs until `run`. */
  async start(o: StartOptions): Promise<SessionId> {
    if (!o.task.trim()) throw new RunnerError('INVALID', 'the task is empty');
    if (o.models.length === 0) throw new RunnerError('INVALID', 'no model configured');
    const title = o.title ?? taskTitle(o.task);
    // Created 'failed', made 'running' by the start record (as a fork is): a crash in between leaves no row that looks resumable.
    const summary = await this.deps.store.createSession({ title, status: 'failed', ...(o.id ? { id: o.id } : {}) });
    const first: Message = { role: 'user', content: o.task };
    const j = await SessionJournal.open(this.deps.store, summary.id, this.now);
    // Chosen once and journaled with the start, so a resume sends the very same prompt; from the
    // memory as it is now (a user memory deleted in the window that holds it is not chosen here).
    await this.deps.memory?.refresh?.();
    const chosen = this.deps.memory?.selectForPrompt(o.task, MEMORY_PROMPT_TOKENS);
    const remembered = chosen?.text;
    const leftOut = chosen?.leftOutPinned?.map((e) => e.id) ?? [];
    await this.commit(j, 0, [
      {
        type: 'session_started',
        data: {
          task: o.task,
          system: `${o.system ?? DEFAULT_SYSTEM}${remembered ? `\n\n${remembered}` : ''}`,
          models: o.models,
          maxTokens: o.maxTokens ?? 8192,
          budgets: o.budgets ?? {},
          policy: o.policy ?? DEFAULT_APPROVAL_POLICY,
          firstMessage: hashMessage(first),
          ...(leftOut.length ? { pinnedLeftOut: leftOut } : {}),
        },
      },
    ], { messages: [first] });
    return summary.id;
  }

  /**
   * Records that a session's process died while it was running (the editor crashed or was killed):
   * its status becomes `interrupted` until someone resumes it, and what its commands still run is stopped (`stopOrphans`). No-op for other statuses.
   */
  async markInterrupted(id: SessionId, reason: string): Promise<boolean> {
    const j = await SessionJournal.open(this.deps.store, id, this.now);
    if (j.state.status !== 'running') return false;
    await this.commit(j, j.state.turn, [{ type: 'status', data: { status: 'interrupted', reason: `${reason}${await stopOrphans(this.deps.toolContext.processes, this.deps.store, j)}` } }]);
    return true;
  }

  /** Stops a session for good (the user cancelled it); it can still be resumed later as a retry. */
  async cancel(id: SessionId, reason = 'cancelled by the user'): Promise<void> {
    const j = await SessionJournal.open(this.deps.store, id, this.now);
    if (j.state.status === 'completed' || j.state.status === 'failed') return;
    await this.commit(j, j.state.turn, [{ type: 'status', data: { status: 'failed', reason } }]);
  }

  /** Runs (or resumes) the session until it completes, fails, waits for the user, or the signal pauses it. */
  async run(id: SessionId, signal: AbortSignal = new AbortController().signal, options: RunOptions = {}): Promise<RunOutcome> {
    // Taken up after a rewind or undo of the session in progress here (and before the next): its
    // records and the runner's status do not race to the journal, and a rewind then finds it running.
    const j = await oneSessionOpAtATime(this.deps.store, id, async () => {
      const opened = await SessionJournal.open(this.deps.store, id, this.now);
      if (opened.headSeq === 0) throw new RunnerError('INVALID', `session ${id} was never started: Savepoint stopped before its task was recorded, so there is nothing to resume; start the task again`);
      const models = options.models?.length ? [...options.models] : undefined;
      if (models && opened.state.status !== 'completed' && models.join('\n') !== opened.state.models.join('\n')) {
        await this.commit(opened, opened.state.turn, [{ type: 'models_changed', data: { models, from: opened.state.models } }]);
      }
      if (opened.state.status !== 'completed' && opened.state.status !== 'running' && opened.state.status !== 'waiting') {
        await this.commit(opened, opened.state.turn, [{ type: 'status', data: { status: opened.state.openApprovals.length ? 'waiting' : 'running', reason: `resumed from ${opened.state.status}` } }]);
      } else if (opened.state.status === 'waiting' && isUserStop(opened.state.statusReason)) {
        await this.commit(opened, opened.state.turn, [{ type: 'status', data: { status: 'waiting', reason: 'resumed by the user' } }]);
      }
      return opened;
    });
    if (j.state.status === 'completed') {
      await episodeOnce(this.deps.memory, j, (events) => this.commit(j, j.state.turn, events));
      return { sessionId: id, status: 'completed' };
    }
    this.clocks.start(id);
    const startedHere = new Set<string>();
    // Files the session worked on may have changed while it was away: the model hears about it
    // before its next turn (not before, so that a pending call's results still come first). Checked
    // then, not now: a pending edit merged into a changed file is the session's own write. A fork from the start (turn 0) is told what its source changed since.
    let checkDrift = j.state.turn > 0 || (await this.deps.store.getSession(id))?.parent != null;
    /** The turn at which compaction was tried and could not help (nothing to cut, or the summary failed): not again before the next turn. */
    let compactionGaveUp = -1;
    /** Requests of this turn the API refused as over the context window. */
    const overflow = { turn: -1, times: 0 };
    let incomplete: string | undefined;
    try {
      for (;;) {
        const s = j.state;
        if (s.status === 'completed') {
          await episodeOnce(this.deps.memory, j, (events) => this.commit(j, j.state.turn, events));
          return { sessionId: id, status: 'completed', ...(incomplete ? { reason: incomplete } : {}) };
        }
        if (s.status === 'failed') return { sessionId: id, status: 'failed', ...(s.statusReason ? { reason: s.statusReason } : {}) };
        const open = s.openApprovals[0];
        // A session at a question stays 'waiting' when stopped (the editor closing, a pause, Ctrl+C): the question is still the user's to answer, and is found as such after a restart.
        if (signal.aborted) return open ? await this.held(j, signal) : await this.pause(j, signal);
        if (open) {
          const parked = await this.askUser(j, open, signal);
          if (parked) return signal.aborted ? await this.held(j, signal) : { sessionId: id, status: 'waiting' };
          continue;
        }
        const call = nextOpenCall(s);
        if (call) {
          await this.calls.advance(j, call, startedHere, signal);
          continue;
        }
        if (turnSettled(s)) {
          await this.sendResults(j);
          continue;
        }
        if (await this.checkGuards(j)) continue;
        const drift = checkDrift ? await driftText(this.deps.store, this.deps.toolContext.workspace, id, this.deps.outliner, this.deps.toolContext.secrets) : undefined;
        checkDrift = false;
        if (drift) {
          const m: Message = { role: 'user', content: [{ type: 'text', text: drift.text }] };
          // What the note told is where the next drift check starts, so the same change is not told twice; what the disk held then is kept to diff from.
          const data = { role: 'user' as const, message: hashMessage(m), reason: 'drift' as const, chars: messageChars(m), ...(drift.seen.length ? { seen: drift.seen } : {}) };
          await this.commit(j, j.state.turn, [{ type: 'message_added', data }], { messages: [m], blobs: drift.blobs });
        }
        if (this.deps.context !== false && compactionGaveUp !== j.state.turn && needsCompaction(j.state, this.deps.context)) {
          if (await this.compactor.compact(j, signal)) continue;
          compactionGaveUp = j.state.turn;
        }
        try {
          incomplete = await modelTurn(this.deps, j, signal, (at, step, events, extras) => this.commit(at, step, events, extras));
        } catch (e) {
          // The projection fell short (a huge tool result, another tokenizer): compact now and ask
          // again. Refused again (the turns kept verbatim are too large themselves), only the last
          // turn is kept; a third refusal fails the session.
          if (!ModelError.is(e, 'CONTEXT_OVERFLOW') || this.deps.context === false) throw e;
          if (overflow.turn !== j.state.turn) Object.assign(overflow, { turn: j.state.turn, times: 0 });
          overflow.times++;
          compactionGaveUp = j.state.turn;
          const compacted =
            (overflow.times === 1 && (await this.compactor.compact(j, signal))) ||
            (overflow.times <= 2 && (await this.compactor.compact(j, signal, 1)));
          if (!compacted) throw e;
        }
      }
    } catch (e) {
      if (signal.aborted && (ModelError.is(e, 'ABORTED') || (e instanceof Error && e.name === 'AbortError'))) return this.pause(j, signal, spentEvents(e, 'cancelled'));
      if (ModelError.is(e)) {
        const reason = e.retryable || e.code === 'UNAVAILABLE' ? `the model call failed after retries (${e.code}): ${e.message}; resume the session to try again` : `the model call failed (${e.code}): ${e.message}`;
        await this.commit(j, j.state.turn, [...spentEvents(e, 'failed'), { type: 'status', data: { status: 'failed', reason } }]);
        return { sessionId: id, status: 'failed', reason };
      }
      throw e;
    } finally {
      this.clocks.stop(id);
    }
  }

  /** `spent`: what a model request the pause cut off was billed, journaled with the pause. */
  private async pause(j: SessionJournal, signal: AbortSignal, spent: RunnerEvent[] = []): Promise<RunOutcome> {
    const reason = typeof signal.reason === 'string' ? signal.reason : 'paused';
    if (j.state.status !== 'paused') await this.commit(j, j.state.turn, [...spent, { type: 'status', data: { status: 'paused', reason } }]);
    else if (spent.length) await this.commit(j, j.state.turn, spent);
    return { sessionId: j.id, status: 'paused', reason };
  }

  /** Stopped at a question by its user, the session is held: the reason is journaled, and no approval timeout answers the question until a resume. */
  private async held(j: SessionJournal, signal: AbortSignal): Promise<RunOutcome> {
    if (isUserStop(signal.reason) && j.state.statusReason !== signal.reason) await this.commit(j, j.state.turn, [{ type: 'status', data: { status: 'waiting', reason: signal.reason } }]);
    return { sessionId: j.id, status: 'waiting' };
  }

  /** Returns true when the session is parked (nobody can answer now, or the signal fired). */
  private async askUser(j: SessionJournal, a: ApprovalRequestedData, signal: AbortSignal): Promise<boolean> {
    const answer = await this.clocks.excluding(j.id, () => this.deps.approvals.ask(
      {
        sessionId: j.id,
        approvalId: a.approvalId,
        kind: a.kind, reasons: a.reasons, requestedAt: a.requestedAt,
        ...(a.name !== undefined ? { tool: a.name } : {}),
        ...(a.input !== undefined ? { input: a.input } : {}),
        ...(a.diff !== undefined ? { diff: a.diff } : {}),
        ...(a.interrupted?.length ? { changed: listEffects(a.interrupted, 10, true) } : {}),
        ...(a.userOnly ? { userOnly: true as const } : {}),
        ...(a.budget ? { budget: a.budget } : {}),
      },
      signal,
    ));
    if (answer === 'park') return true;
    await this.record(j, a, answer);
    return false;
  }

  /**
   * Journals the user's answer to the session's open approval `approvalId` (with what it entails:
   * a raised budget, a stop, a reply to the model) without running anything: an answer given
   * outside a run (`savepoint approve`). Refused when that approval is not the one open now.
   */
  async decide(id: SessionId, approvalId: string, answer: ApprovalAnswer): Promise<void> {
    await oneSessionOpAtATime(this.deps.store, id, async () => {
      const j = await SessionJournal.open(this.deps.store, id, this.now);
      const open = j.state.openApprovals[0];
      // A cancelled (failed) or finished session has nothing left to answer: an answer would set it going again with no run behind it.
      if (j.state.status === 'failed' || j.state.status === 'completed') throw new RunnerError('INVALID', `session ${id} is ${j.state.status === 'failed' ? 'stopped' : 'completed'}: there is no question to answer`);
      if (!open || open.approvalId !== approvalId) throw new RunnerError('INVALID', `session ${id} is not waiting for approval ${approvalId}${open ? ` (it waits for ${open.approvalId})` : ''}`);
      // Nothing runs it now: left 'running', the next command or window took it for a run that was killed or crashed.
      await this.record(j, open, answer, [{ type: 'status', data: { status: 'paused', reason: ANSWERED_BETWEEN_RUNS } }]);
    });
  }

  /** The decision and its consequences, in one batch; `idle`: the status after it when the session would otherwise be running (no run goes on). */
  private async record(j: SessionJournal, a: ApprovalRequestedData, answer: ApprovalAnswer, idle: RunnerEvent[] = []): Promise<void> {
    const { events, messages } = answerEvents(j.state, a, answer);
    const after = events.reduce((s, e) => reduce(s, e), j.state);
    await this.commit(j, j.state.turn, after.status === 'running' ? [...events, ...idle] : events, messages.length ? { messages } : {});
  }

  /** Budgets and loops escalate to the user instead of going on. True when an approval was asked. */
  private async checkGuards(j: SessionJournal): Promise<boolean> {
    const s = j.state;
    const over = exhausted(s.budgets, ownCounters(s.counters, s.inherited));
    const loop = over ? undefined : detectLoop(s.history, this.deps.loop);
    if (!over && !loop) return false;
    const reasons = over
      ? [`${describeExhaustion(over)}${s.inherited ? " in this fork (what its parent spent before the fork is not counted)" : ''}`]
      : [`the agent seems to be looping: ${loop?.kind === 'repeat' ? 'the same call' : 'the same calls'} ${loop?.times} times without progress (${loop?.calls.join(' → ').slice(0, 300)})`];
    await this.commit(j, s.turn, [question(j.headSeq + 1, { kind: over ? 'budget' : 'loop', reasons, requestedAt: this.now(), ...(over ? { budget: over } : {}) })]);
    return true;
  }

  private async sendResults(j: SessionJournal): Promise<void> {
    const s = j.state;
    const content: ContentBlock[] = s.calls.map((c) => {
      const r = c.result;
      if (!r) throw new RunnerError('INVALID', `call ${c.id} has no result`);
      return { type: 'tool_result', tool_use_id: c.id, content: r.content, ...(r.isError ? { is_error: true } : {}) };
    });
    const m: Message = { role: 'user', content };
    await this.commit(j, s.turn, [{ type: 'message_added', data: { role: 'user', message: hashMessage(m), reason: 'tool_results' } }], { messages: [m] });
  }

  /**
   * Puts back the messages a compaction summarized (the latest one by default). A compaction whose
   * summary a later one summarized again can only be undone after that one.
   */
  async undoCompaction(id: SessionId, compactionId?: string): Promise<{ compactionId: string; restored: number }> {
    return this.compactor.undo(await SessionJournal.open(this.deps.store, id, this.now), compactionId);
  }

  /** Pins (or with `remove`, unpins) a fact the user wants sent verbatim with every request. */
  async pinFact(id: SessionId, fact: string, remove = false): Promise<void> {
    const text = fact.trim();
    if (!text) throw new RunnerError('INVALID', 'the fact is empty');
    const j = await SessionJournal.open(this.deps.store, id, this.now);
    if (remove && !j.state.pinned.includes(text)) throw new RunnerError('NOT_FOUND', `"${text}" is not pinned in session ${id}`);
    await this.commit(j, j.state.turn, [remove ? { type: 'fact_unpinned', data: { fact: text } } : { type: 'fact_pinned', data: { fact: text, by: 'user' } }]);
  }

  private async commit(j: SessionJournal, step: number, events: RunnerEvent[], extras?: Parameters<SessionJournal['append']>[2]): Promise<void> {
    const committed = await j.append(step, this.clocks.stamp(j.id, events), extras);
    this.deps.onEvent?.({ type: 'committed', sessionId: j.id, events: committed });
    for (const e of committed) this.deps.probe?.(`after:${e.type}`);
  }
}
