import { ModelError } from '../model/modelError';
import type { Spent } from '../model/spendMeter';
import type { Usage, StopReason } from '../model/types';
import type { BlobHash, SessionStatus } from '../store/types';
import type { ApprovalPolicy, ToolCategory } from './approvalPolicy';
import type { Budgets, Exhaustion } from './budgets';
import type { CommandTurnData } from './commandTurnEvent';

/**
 * The runner's journal. Message bodies live in the blob store (content-addressed, deduplicated);
 * events carry their hashes plus the small facts the state needs, so snapshots stay small and no
 * message is ever written twice.
 */

export interface SessionStartedData {
  task: string;
  system: string;
  models: string[];
  maxTokens: number;
  budgets: Budgets;
  policy: ApprovalPolicy;
  /** The first user message (the task), as a blob. */
  firstMessage: BlobHash;
  /** Pinned long-term memories the prompt had no room for (their ids; the system prompt names them too). */
  pinnedLeftOut?: string[];
}

export interface RetryNote {
  model: string;
  attempt: number;
  delayMs: number;
  code: string;
  reason: string;
}

export interface ModelTurnData {
  turn: number;
  message: BlobHash;
  /**
   * The tool calls, in order. `cut`: the response hit max_tokens inside this call's input (the
   * last block of a max_tokens answer), so the input is incomplete: the call is answered with an
   * error and never run (absent in journals written before this was told apart).
   */
  calls: { id: string; name: string; cut?: true }[];
  stopReason: StopReason;
  /**
   * A text answer that max_tokens (or a pause_turn) ended before it was done: the session is not
   * complete, and a 'continue' message asking the model to go on follows in the same batch
   * (absent in journals written before this was told apart, where such a turn completed the session).
   */
  continues?: true;
  usage: Usage;
  costUsd: number;
  model: string;
  attempts: number;
  retries: RetryNote[];
  /** What the retried attempts were billed besides `usage` (absent: nothing, or an older journal). */
  spent?: Spent;
}

export interface PlannedMutation {
  path: string;
  beforeHash: string | null;
  afterHash: string | null;
  /** A deletion: whether the file had an execute bit (absent: not recorded). */
  beforeExec?: boolean;
  /** A deletion: the file's permission bits (absent: not recorded, or not POSIX). */
  beforeMode?: number;
  /** A deletion of a symlink: the link's text (a rewind re-creates the link). */
  beforeLink?: string;
}

export interface ToolPlannedData {
  callId: string;
  name: string;
  category: ToolCategory;
  /** The input that will run (the model's, or the user's edit of it). */
  input: unknown;
  mutations?: PlannedMutation[];
}

/** Written right before a tool runs, with the intent effect record: a call started and without a result is in flight. */
export interface ToolStartedData {
  callId: string;
  /** For file tools: each file's hash now and the hash it will have (blobs of both are stored). */
  mutations?: PlannedMutation[];
  /**
   * The call runs again after a crash cut it off, as the user answered (or with the input they
   * edited): that answer is used up, and a crash during this run asks again.
   */
  rerun?: true;
}

export type ApprovalKind = 'tool' | 'conflict' | 'command_rerun' | 'budget' | 'loop';

export interface ApprovalRequestedData {
  approvalId: string;
  kind: ApprovalKind;
  /** The tool call it is about (absent for budget and loop approvals). */
  callId?: string;
  name?: string;
  input?: unknown;
  reasons: string[];
  /** For file tools: the proposed change as unified diffs. */
  diff?: string;
  /**
   * For a conflict question: the version on disk of each file its diff was made from (hash; null:
   * the file was absent). Approving it writes over these versions only: a file changed again while
   * the question waited is merged when clean, asked about anew otherwise. Absent from questions
   * journaled before it was kept (see `approvedDisk`).
   */
  shownDisk?: { path: string; hash: string | null }[];
  /**
   * For a 'command_rerun' question: what the command had changed when a crash cut it off (found at
   * resume from the change capture's log). The call's result records them, whatever the answer (a
   * run again adds its own changes on top).
   */
  interrupted?: SideEffect[];
  /** A call the policy always asks about (destructive, an always-ask pattern, outside the workspace): only the user may approve it, never a timeout. */
  userOnly?: true;
  /** For a budget question: the budget used up (absent from questions journaled before it was kept). */
  budget?: Exhaustion;
  requestedAt: number;
}

export type Decision = 'approve' | 'edit' | 'reject' | 'respond';

export interface ApprovalDecidedData {
  approvalId: string;
  decision: Decision;
  /** The edited input, for 'edit'. */
  input?: unknown;
  /** Feedback for 'reject', the human reply for 'respond'. */
  text?: string;
  /** Decided by the approval timeout, not the user: nobody answered within this wait ("5 minutes"). */
  timedOut?: string;
}

/** A file a command (or anything else during the call) changed, found by the change capture. */
export interface SideEffect {
  path: string;
  kind: 'created' | 'modified' | 'deleted' | 'renamed';
  from?: string;
  beforeHash: string | null;
  afterHash: string | null;
  /** Either side is binary: shown by hash and size only, never as a diff (its old bytes within the size limit are still kept for a rewind). */
  binary?: boolean;
  tooLarge?: boolean;
  /**
   * A file within the size limit whose earlier contents were not at hand when the command changed
   * it (the capture's copies are bounded: in a workspace of more than its budget, and not in git,
   * some are dropped; the bytes of binary files also by a budget per capture): that version is kept
   * by hash only, and cannot be restored.
   */
  unkept?: true;
  /**
   * A text file within the size limit whose new contents the capture did not keep: the step changed
   * more text than its budget per capture. That version is kept by hash only (a rewind to after the
   * step cannot restore it), and no diff is shown.
   */
  afterUnkept?: true;
  /** For a change kept by hash only (binary, tooLarge, unkept, afterUnkept): the sizes of its sides in bytes (absent: the side does not exist). */
  beforeSize?: number;
  afterSize?: number;
  /** The file had (before) or has (after) an execute bit: a rewind that re-creates it sets it again. */
  beforeExec?: true;
  afterExec?: true;
  /** 'deleted' and 'renamed', and a file a link replaced: the permission bits the file had before (POSIX), which a rewind re-creating it gives back. */
  beforeMode?: number;
  /**
   * That side is a symlink with this text (never followed: its hash is `linkHash` of the text, no
   * contents are kept): a rewind makes, retargets or removes the link itself.
   */
  beforeLink?: string;
  afterLink?: string;
  /**
   * Found at a resume, after a crash cut the command off: the disk then against the index as the
   * command began, so the change may include edits made after Savepoint stopped. A rewind asks before
   * it overwrites or deletes such a version (it is not surely the session's own).
   */
  uncertain?: true;
  /**
   * The record carries both bits: an absent one is "no execute bit". Records from before it (absent)
   * know only the bits they name, and a rewind leaves the mode of such a file as it finds it.
   */
  modes?: true;
}

/** Where a checkpoint keeps the outline of one file version: the AST snapshot of that file after a step. */
export interface OutlineRef {
  path: string;
  /** The blob hash of the file's contents the outline was read from. */
  file: string;
  /** The outline record (`encodeOutline`). */
  outline: BlobHash;
  symbols: number;
}

export interface ToolResultData {
  callId: string;
  name: string;
  /** Canonical key of the call that ran (loop detection). */
  key: string;
  isError: boolean;
  /** What the model sees (already truncated). */
  content: string;
  /** The full output when `content` was truncated. */
  outputBlob?: BlobHash;
  /** The call changed the workspace. */
  progressed: boolean;
  /** Files changed by a command, beyond its output. */
  sideEffects?: SideEffect[];
  /** Symbols the call added, removed or changed, in words. */
  symbols?: string[];
  /** The outline (symbols with their hashes) of each file version the call left, in a supported language. */
  outlines?: OutlineRef[];
  /**
   * A file edit in flight at a crash whose file had changed outside the session meanwhile, merged
   * three-way: what the file held (before) and holds now (after), instead of the intent's hashes.
   */
  merged?: PlannedMutation[];
  /** Compiler and linter findings after the call changed files, and the change against the step before. */
  diagnostics?: StepDiagnostics;
  /**
   * Files the call showed the model (read_file), with the hash of what it read: the drift check
   * tells the model when one changes afterwards. Their contents are kept as blobs up to a size.
   */
  seen?: { path: string; hash: string }[];
  /** How a call found in flight at resume was settled. */
  recovered?: 'already_applied' | 'applied' | 'rerun' | 'skipped' | 'overwritten';
}

/** One finding, as the journal keeps it (the full list of a step is a blob). */
export interface Finding {
  path: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  code?: string;
}

export interface StepDiagnostics {
  errors: number;
  warnings: number;
  /** Against the findings after the previous mutating step (or before this one, for the first). */
  delta: { errors: number; warnings: number };
  /** Errors and warnings that were not there before (at most 10 shown here; all are in the blob). */
  introduced: Finding[];
  introducedCount: number;
  resolvedCount: number;
  /** Every finding after the step, as JSON. */
  blob: BlobHash;
  /** The findings could not be collected (the check failed): counts are zero and say nothing. */
  unavailable?: string;
  /**
   * Files the step changed that the source did not report on before it (VS Code: not open in the
   * editor), whose findings were first seen after the step: not counted as introduced (absent: none).
   */
  unchecked?: string[];
  /** Lines of the checker's output that were neither findings nor known noise: how many, and the first few (absent: none). */
  notUnderstood?: { count: number; lines: string[] };
}

export interface MessageAddedData {
  role: 'user' | 'assistant';
  message: BlobHash;
  /**
   * tool_results: the results of a turn's calls; human: the user's words; drift: what changed on
   * disk while the session was away; continue: the model is asked to go on with an answer cut short.
   */
  reason: 'tool_results' | 'human' | 'drift' | 'continue' | 'no_answer';
  /** The message's size in characters (context accounting; absent in older journals). */
  chars?: number;
  /**
   * drift: the disk versions the note told the model about (null: deleted), so that the next drift
   * check compares with them and the same change is not told again (absent in older journals).
   */
  seen?: { path: string; hash: string | null }[];
}

/** Older turns summarized by a model call; the summary took their place in the conversation. */
export interface CompactedData {
  compactionId: string;
  /** The messages the summary replaced (a prefix of the conversation), kept for undo and for viewing. */
  replaced: BlobHash[];
  /** The message that took their place. */
  summary: BlobHash;
  tokensBefore: number;
  /** Estimated size of the conversation after. */
  tokensAfter: number;
  usage: Usage;
  costUsd: number;
  model: string;
  /** What the summary's retried attempts were billed besides `usage`. */
  spent?: Spent;
  /** The summary request's retries, as a model turn's (absent: none, or an older journal). */
  retries?: RetryNote[];
}

/**
 * Tokens billed for model requests that gave the session nothing: a turn that failed or was
 * cancelled after its stream began, a summary that could not be had. They count against the budgets.
 */
export interface ModelSpentData extends Spent {
  why: 'failed' | 'cancelled' | 'summary';
  /** A summary that could not be had: the retries it took first (absent: none, or an older journal). */
  retries?: RetryNote[];
}

/** A compaction undone: the summary is replaced by the messages it stood for. */
export interface CompactionUndoneData {
  compactionId: string;
  restore: BlobHash[];
  tokensAfter: number;
}

/** A fact that goes verbatim with every request, whatever is compacted. */
export interface FactPinnedData {
  fact: string;
  by: 'user' | 'model';
}

export interface FactUnpinnedData {
  fact: string;
}

export interface StatusData {
  status: SessionStatus;
  reason?: string;
  /** The first event of a fork's own: the budget counters up to here are its parent's (see RunState.inherited). */
  forked?: true;
}

export interface BudgetsChangedData {
  budgets: Budgets;
}

/** The models the session asks, changed at a resume (the user corrected a model name, or chose another). */
export interface ModelsChangedData {
  models: string[];
  from: string[];
}

/** The finished session's episode is in long-term memory (written after the completion: a crash in between is made good by the next run). */
export interface EpisodeRememberedData {
  /** The session it is about (a fork copies the record and writes one of its own). */
  sessionId: string;
  memoryId: string;
}

export interface RunnerEventMap {
  session_started: SessionStartedData;
  model_turn: ModelTurnData;
  tool_planned: ToolPlannedData;
  tool_started: ToolStartedData;
  approval_requested: ApprovalRequestedData;
  approval_decided: ApprovalDecidedData;
  tool_result: ToolResultData;
  message_added: MessageAddedData;
  status: StatusData;
  budgets_changed: BudgetsChangedData;
  models_changed: ModelsChangedData;
  compacted: CompactedData;
  compaction_undone: CompactionUndoneData;
  model_spent: ModelSpentData;
  fact_pinned: FactPinnedData;
  fact_unpinned: FactUnpinnedData;
  episode_remembered: EpisodeRememberedData;
  command_turn: CommandTurnData;
}

export type RunnerEventType = keyof RunnerEventMap;

/**
 * Any event the runner commits may carry the active run time (ms) since its previous commit in the
 * same run, on the last event of the batch: what the time budget counts (see Budgets.maxMinutes).
 */
export interface Timed {
  activeMs?: number;
}

export type RunnerEvent = { [K in RunnerEventType]: { type: K; data: RunnerEventMap[K] & Timed } }[RunnerEventType];

/**
 * The approval question journaled at `seq` (the journal's next event): its id is its kind, the call it is about (none for
 * budget and loop questions) and that seq, so that an answer names the very question it answers (`approvalKind` reads it back).
 */
export function question(seq: number, data: Omit<ApprovalRequestedData, 'approvalId'>): RunnerEvent {
  return { type: 'approval_requested', data: { approvalId: [data.kind, ...(data.callId !== undefined ? [data.callId] : []), seq].join(':'), ...data } };
}

/** The kind of question an approval id names (see `question`). */
export const approvalKind = (approvalId: string | undefined): string | undefined => approvalId?.split(':')[0];

/** The record of what a failed or cancelled model request `e` was billed: none when nothing was. */
export function spentEvents(e: unknown, why: ModelSpentData['why']): RunnerEvent[] {
  const spent = ModelError.is(e) ? e.details.spent : undefined;
  return spent ? [{ type: 'model_spent', data: { usage: spent.usage, costUsd: spent.costUsd, why } }] : [];
}
