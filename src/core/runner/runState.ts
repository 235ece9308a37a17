import type { Usage } from '../model/types';
import type { BlobHash, SessionStatus } from '../store/types';
import { type ApprovalPolicy, DEFAULT_APPROVAL_POLICY } from './approvalPolicy';
import { type BudgetCounters, type Budgets, emptyCounters } from './budgets';
import type { CallRecord } from './loopDetector';
import type {
  ApprovalDecidedData,
  ApprovalRequestedData,
  RunnerEvent,
  SideEffect,
  ToolPlannedData,
  ToolStartedData,
  ToolResultData,
} from './runEvents';

export interface CallState {
  id: string;
  name: string;
  planned?: ToolPlannedData;
  started?: ToolStartedData;
  approvalId?: string;
  decision?: ApprovalDecidedData;
  result?: ToolResultData;
  /** A command cut off by a crash: what it had changed by then (from its 'command_rerun' question). */
  interrupted?: SideEffect[];
  /**
   * A command waiting for its turn in its folder (another session's command runs): `behind` holds the
   * turn, when known. `ended`: the wait ended with the run (paused, its process died), so the command
   * never ran, and waits for nothing until it asks for its turn again at the resume.
   */
  queued?: { behind?: string; check?: true; ended?: true };
  /** Its input was cut off by max_tokens: it is answered with an error, never run. */
  cut?: true;
  /** With `cut`: what cut it off was the full context window (model_context_window_exceeded), not max_tokens. */
  windowFull?: true;
}

/** Everything the driver needs to continue a session. Small: messages are blob hashes. */
export interface RunState {
  status: SessionStatus;
  statusReason?: string;
  task: string;
  system: string;
  models: string[];
  maxTokens: number;
  budgets: Budgets;
  policy: ApprovalPolicy;
  turn: number;
  messages: BlobHash[];
  /** The calls of the latest model turn, in the order the model made them. */
  calls: CallState[];
  /** Approvals asked and not yet decided. */
  openApprovals: ApprovalRequestedData[];
  counters: BudgetCounters;
  /**
   * A fork: the counters its parent had at the fork (part of `counters`). Its budgets count what the
   * fork spends itself (`ownCounters`), or a parent that spent most of a budget left the fork none.
   */
  inherited?: BudgetCounters;
  /** A fork: `usage` at the fork, its parent's (absent in forks made before it was kept). */
  inheritedUsage?: Usage;
  /** Tokens by kind over the session (the index shows them). */
  usage: Usage;
  /** The most recent calls, for loop detection. */
  history: CallRecord[];
  /**
   * Context accounting: the size of the last request plus its answer (from the API's usage, or
   * an estimate after a compaction), characters added since, and the turn of the last compaction.
   */
  context: { tokens: number; charsSince: number; compactedAtTurn?: number };
  /** Facts sent verbatim with every request. */
  pinned: string[];
  /** Calls whose output the model got cut, and the blob holding all of it (for `read_output`). */
  outputs: Record<string, BlobHash>;
  /** Compactions in force, oldest first. */
  compactions: { id: string; summary: BlobHash }[];
  /** Text answers cut short in a row, each followed by a request to continue (see ModelTurnData.continues). */
  continued?: number;
  /** The session whose episode is in long-term memory (see EpisodeRememberedData). */
  episodeOf?: string;
  /** The findings after the last step that changed files: the base of the next step's delta. */
  diagnostics?: { errors: number; warnings: number; blob: BlobHash };
}

const HISTORY = 32;

export function initialRunState(): RunState {
  return {
    status: 'running',
    task: '',
    system: '',
    models: [],
    maxTokens: 0,
    budgets: {},
    policy: DEFAULT_APPROVAL_POLICY,
    turn: 0,
    messages: [],
    calls: [],
    openApprovals: [],
    counters: emptyCounters(),
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    history: [],
    context: { tokens: 0, charsSince: 0 },
    pinned: [],
    outputs: {},
    compactions: [],
  };
}

/** The pure step function: the state after one journal event. Never mutates its input. */
export function reduce(s: RunState, e: RunnerEvent): RunState {
  const ms = e.data.activeMs;
  const timed = typeof ms === 'number' && ms > 0 ? { ...s, counters: { ...s.counters, activeMs: (s.counters.activeMs ?? 0) + ms } } : s;
  return reduceEvent(timed, e);
}

function reduceEvent(s: RunState, e: RunnerEvent): RunState {
  switch (e.type) {
    case 'session_started': {
      const d = e.data;
      return { ...s, task: d.task, system: d.system, models: d.models, maxTokens: d.maxTokens, budgets: d.budgets, policy: d.policy, messages: [d.firstMessage], status: 'running' };
    }
    case 'model_turn': {
      const d = e.data;
      const { counters: charged, usage } = charge(charge(s, d.usage, d.costUsd), d.spent?.usage, d.spent?.costUsd);
      const counters: BudgetCounters = { ...charged, steps: s.counters.steps + 1 };
      const status = d.calls.length === 0 && !d.continues ? 'completed' : s.status;
      const context = { ...ctx(s), tokens: d.usage.input + d.usage.cacheRead + d.usage.cacheWrite + d.usage.output, charsSince: 0 };
      // A refused answer (no calls) stays in the journal but leaves the conversation: sent again, even merged into
      // the next answer after a resume, it is a turn the API asks to take out, lest the model refuse again.
      const refused = d.stopReason === 'refusal' && d.calls.length === 0;
      return { ...s, status, continued: d.continues ? (s.continued ?? 0) + 1 : 0, turn: d.turn, messages: refused ? s.messages : [...s.messages, d.message], calls: d.calls.map((c) => ({ id: c.id, name: c.name, ...(c.cut ? { cut: true as const, ...(d.stopReason === 'model_context_window_exceeded' ? { windowFull: true as const } : {}) } : {}) })), counters, usage, context };
    }
    case 'tool_planned':
      // A new plan (the user edited the input) replaces the old one and its decision; what a cut-off run of the command had changed stays the step's.
      return updateCall(s, e.data.callId, (c) => ({ id: c.id, name: c.name, planned: e.data, ...(c.interrupted ? { interrupted: c.interrupted } : {}) }));
    case 'tool_started':
      // A run again, or a run of the input the user edited (kept in tool_planned), uses up the answer that let it run: a crash during it is reconciled, or asked about, anew.
      // A start ends what an earlier wait for the turn said (a command that only waited, started again at resume: it may run from here).
      return updateCall(s, e.data.callId, ({ queued: _q, ...c }) => {
        if (!e.data.rerun && c.decision?.decision !== 'edit') return { ...c, started: e.data };
        const { decision: _d, approvalId: _a, ...rest } = c;
        return { ...rest, started: e.data };
      });
    case 'command_turn':
      return updateCall(s, e.data.callId, ({ queued: _q, ...c }) => (e.data.waiting ? { ...c, queued: { ...(e.data.behind !== undefined ? { behind: e.data.behind } : {}), ...(e.data.check ? { check: true as const } : {}) } } : c));
    case 'approval_requested': {
      const interrupted = e.data.interrupted;
      const withCall = e.data.callId ? updateCall(s, e.data.callId, (c) => ({ ...c, approvalId: e.data.approvalId, ...(interrupted ? { interrupted } : {}) })) : s;
      return { ...withCall, openApprovals: [...withCall.openApprovals, e.data], status: 'waiting' };
    }
    case 'approval_decided': {
      const asked = s.openApprovals.find((a) => a.approvalId === e.data.approvalId);
      const open = s.openApprovals.filter((a) => a.approvalId !== e.data.approvalId);
      const withCall = asked?.callId ? updateCall(s, asked.callId, (c) => ({ ...c, decision: e.data })) : s;
      // Going on after a loop warning starts the loop count afresh.
      const history = asked?.kind === 'loop' && e.data.decision !== 'reject' ? [] : withCall.history;
      return { ...withCall, history, openApprovals: open, status: open.length > 0 ? 'waiting' : 'running' };
    }
    case 'tool_result': {
      const d = e.data;
      // A call the user turned down did not fail: the tool-failure budget is about the tool.
      const call = s.calls.find((c) => c.id === d.callId);
      const rejected = call?.decision?.decision === 'reject' && call.decision.approvalId === call.approvalId;
      // Nor did a call whose input max_tokens cut off: it never reached the tool.
      const failures = d.isError && !rejected && !call?.cut ? { ...s.counters.toolFailures, [d.name]: (s.counters.toolFailures[d.name] ?? 0) + 1 } : s.counters.toolFailures;
      const history = [...s.history, { key: d.key, progressed: d.progressed }].slice(-HISTORY);
      const context = { ...ctx(s), charsSince: ctx(s).charsSince + d.content.length };
      const next: RunState = { ...updateCall(s, d.callId, (c) => ({ ...c, result: d })), history, counters: { ...s.counters, toolFailures: failures }, context };
      if (d.outputBlob) next.outputs = { ...s.outputs, [d.callId]: d.outputBlob };
      if (d.diagnostics && !d.diagnostics.unavailable) next.diagnostics = { errors: d.diagnostics.errors, warnings: d.diagnostics.warnings, blob: d.diagnostics.blob };
      return next;
    }
    case 'message_added': {
      // Tool results were counted as they came in; other messages by their size.
      const added = e.data.reason === 'tool_results' ? 0 : (e.data.chars ?? 0);
      const context = { ...ctx(s), charsSince: ctx(s).charsSince + added };
      return { ...s, messages: [...s.messages, e.data.message], calls: e.data.reason === 'tool_results' ? [] : s.calls, context };
    }
    case 'compacted': {
      const d = e.data;
      const { counters, usage } = charge(charge(s, d.usage, d.costUsd), d.spent?.usage, d.spent?.costUsd);
      return {
        ...s,
        messages: [d.summary, ...s.messages.slice(d.replaced.length)],
        counters,
        usage,
        context: { tokens: d.tokensAfter, charsSince: 0, compactedAtTurn: s.turn },
        compactions: [...(s.compactions ?? []), { id: d.compactionId, summary: d.summary }],
      };
    }
    case 'model_spent':
      return { ...s, ...charge(s, e.data.usage, e.data.costUsd) };
    case 'compaction_undone': {
      const c = (s.compactions ?? []).find((x) => x.id === e.data.compactionId);
      const at = c ? s.messages.indexOf(c.summary) : -1;
      if (!c || at < 0) return s;
      return {
        ...s,
        messages: [...s.messages.slice(0, at), ...e.data.restore, ...s.messages.slice(at + 1)],
        context: { ...ctx(s), tokens: e.data.tokensAfter, charsSince: 0 },
        compactions: (s.compactions ?? []).filter((x) => x.id !== c.id),
      };
    }
    case 'fact_pinned':
      return (s.pinned ?? []).includes(e.data.fact) ? s : { ...s, pinned: [...(s.pinned ?? []), e.data.fact] };
    case 'fact_unpinned':
      return { ...s, pinned: (s.pinned ?? []).filter((f) => f !== e.data.fact) };
    case 'status': {
      // A check's wait ended with its run (paused, stopped, its process gone); a command's is kept, ended: it never ran (see reconcile).
      const next: RunState = { ...s, status: e.data.status, calls: s.calls.map(({ queued, ...c }) => (queued && !queued.check ? { ...c, queued: { ...queued, ended: true as const } } : c)) };
      if (e.data.forked) {
        next.inherited = s.counters;
        next.inheritedUsage = s.usage;
      }
      if (e.data.reason !== undefined) next.statusReason = e.data.reason;
      else delete next.statusReason;
      return next;
    }
    case 'budgets_changed':
      return { ...s, budgets: e.data.budgets };
    case 'models_changed':
      return { ...s, models: e.data.models };
    case 'episode_remembered':
      return { ...s, episodeOf: e.data.sessionId };
    default:
      // Events other modules journal about the session (rewinds and their undo) record disk
      // operations, not conversation: the runner's state does not change.
      return s;
  }
}

/** The budget counters and session usage with a model request's tokens and cost added. */
function charge(s: Pick<RunState, 'counters' | 'usage'>, u: Usage | undefined, costUsd = 0): Pick<RunState, 'counters' | 'usage'> {
  if (!u) return { counters: s.counters, usage: s.usage };
  return {
    counters: { ...s.counters, tokens: s.counters.tokens + u.input + u.output + u.cacheRead + u.cacheWrite, costUsd: s.counters.costUsd + costUsd },
    usage: { input: s.usage.input + u.input, output: s.usage.output + u.output, cacheRead: s.usage.cacheRead + u.cacheRead, cacheWrite: s.usage.cacheWrite + u.cacheWrite },
  };
}

/**
 * What the session spent itself, as the session list shows it: a fork's tokens and cost less its
 * parent's before the fork, the same spending its budgets count (`ownCounters`).
 */
export function ownSpend(s: RunState): { usage: Usage; costUsd: number } {
  const before = s.inheritedUsage;
  const usage = before
    ? { input: Math.max(0, s.usage.input - before.input), output: Math.max(0, s.usage.output - before.output), cacheRead: Math.max(0, s.usage.cacheRead - before.cacheRead), cacheWrite: Math.max(0, s.usage.cacheWrite - before.cacheWrite) }
    : s.usage;
  return { usage, costUsd: Math.max(0, s.counters.costUsd - (s.inherited?.costUsd ?? 0)) };
}

/** Snapshots written before context accounting existed have no `context`. */
const ctx = (s: RunState): RunState['context'] => s.context ?? { tokens: 0, charsSince: 0 };

function updateCall(s: RunState, id: string, f: (c: CallState) => CallState): RunState {
  if (!s.calls.some((c) => c.id === id)) return s;
  return { ...s, calls: s.calls.map((c) => (c.id === id ? f(c) : c)) };
}

/** The first call of the current turn without a result: what the driver does next. */
export function nextOpenCall(s: RunState): CallState | undefined {
  return s.calls.find((c) => !c.result);
}

/** All calls of the current turn have results: time to send them back to the model. */
export function turnSettled(s: RunState): boolean {
  return s.calls.length > 0 && s.calls.every((c) => c.result);
}
