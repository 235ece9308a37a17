import { type ContentBlock, type Message, type StopReason, isCut } from '../model/types';
import { messageChars } from './compaction';
import type { RunnerEvent } from './runEvents';
import { hashMessage } from './sessionJournal';

/** Requests to go on with one answer cut short, at most, by default (RunnerDeps.maxContinuations); past them the session completes and says the answer is cut. */
export const MAX_CONTINUATIONS = 3;

const REFUSED = 'the model declined to go on with this request (stop_reason refusal): the task is not done; rephrase it in a new session, or resume to ask again';

/** What the user can do about an answer still cut after the last continuation, by what cut it. */
const INSTEAD = {
  max_tokens: 'raise the maximum output tokens or ask for a shorter answer',
  model_context_window_exceeded: 'the conversation is too long for the model: have it compacted sooner (a lower compaction threshold, context.compactAtPercent), or start a new session with a smaller task',
  // The API pauses a turn that runs long on its side (server tools such as web search): more output tokens would not help.
  pause_turn:
    'the API paused a long turn on its side each time (server tools such as web search), which the output token limit does not change: allow more continuations (the savepoint.maxContinuations setting, --max-continuations on the command line), or split the task into smaller ones',
} as const;

/** What a turn without tool calls that did not end by itself adds to its batch. */
export interface CutAnswerEnd {
  /** The model is asked to go on (ModelTurnData.continues). */
  continues: boolean;
  events: RunnerEvent[];
  messages: Message[];
  /** The session completes with its answer cut: why, in words. */
  incomplete?: string;
}

/**
 * A text answer ended by max_tokens (or a pause_turn) is not the final answer: the model is asked to
 * continue, `maxContinuations` times in a row at most; after that the session completes and its
 * status says the answer is incomplete. A refusal fails the session with the reason. Undefined for
 * an answer that ended by itself.
 * `continued`: the cut answers right before this one (RunState.continued).
 */
export function cutAnswerEnd(stopReason: StopReason, continued: number, maxTokens: number, maxContinuations = MAX_CONTINUATIONS): CutAnswerEnd | undefined {
  // Not a final answer either: the session stops and says why (the user may resume it, or rephrase).
  if (stopReason === 'refusal') return { continues: false, events: [{ type: 'status', data: { status: 'failed', reason: REFUSED } }], messages: [] };
  if (!isCut(stopReason) && stopReason !== 'pause_turn') return undefined;
  const why =
    stopReason === 'max_tokens' ? `reached the output limit (max_tokens ${maxTokens})` : stopReason === 'pause_turn' ? 'was paused by the API (pause_turn)' : "stopped because the model's context window was full";
  if (continued >= maxContinuations) {
    const instead = INSTEAD[stopReason as keyof typeof INSTEAD] ?? INSTEAD.max_tokens;
    const incomplete = `the final answer is incomplete: it ${why} ${continued + 1} times in a row and was continued ${continued} times; ${instead}`;
    return { continues: false, events: [{ type: 'status', data: { status: 'completed', reason: incomplete } }], messages: [], incomplete };
  }
  const m: Message = { role: 'user', content: [{ type: 'text', text: `Your answer ${why} before it was finished. Continue exactly where it stopped, without repeating what you already wrote.` }] };
  return { continues: true, events: [{ type: 'message_added', data: { role: 'user', message: hashMessage(m), reason: 'continue', chars: messageChars(m) } }], messages: [m] };
}

/** No tool call and no text: what the API sometimes answers with `end_turn`, mostly right after tool results. */
export const isEmptyAnswer = (content: readonly ContentBlock[]): boolean => content.every((b) => b.type !== 'tool_use' && (b.type !== 'text' || b.text.trim() === ''));

const NO_ANSWER = 'the model ended its turn without any answer, also when asked to go on, so the session has no final answer; its timeline shows what was done';

/**
 * A turn that ended by itself with no text and no tool call: the session would complete with no
 * answer. The model is asked once to finish (its answer, or its next step); ended so again right
 * after a request to go on (this one, or a cut answer's), the session completes and says why.
 */
export function emptyAnswerEnd(continued: number): CutAnswerEnd {
  if (continued > 0) return { continues: false, events: [{ type: 'status', data: { status: 'completed', reason: NO_ANSWER } }], messages: [], incomplete: NO_ANSWER };
  const m: Message = { role: 'user', content: [{ type: 'text', text: 'Your last turn ended without any text or tool call. If the task is done, give your final answer: what you did and what is left. Otherwise go on with the next step.' }] };
  return { continues: true, events: [{ type: 'message_added', data: { role: 'user', message: hashMessage(m), reason: 'no_answer', chars: messageChars(m) } }], messages: [m] };
}

/** What the model is told about a call whose input max_tokens (or the full context window) cut off. */
export const cutCallMessage = (maxTokens: number, windowFull: boolean): string =>
  `Not run: ${windowFull ? "the model's context window was full (model_context_window_exceeded)" : `your answer reached its output limit (max_tokens ${maxTokens})`} ` +
  "while this call's input was being written, so the input is incomplete. " +
  'Make the call again with a smaller input (for a large file: write a first part, then add the rest in further calls).';
