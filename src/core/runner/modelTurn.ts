import { type Message, type ToolUseBlock, isCut } from '../model/types';
import { toolDefinitions } from '../tools/registry';
import { systemWithPins } from './compaction';
import { cutAnswerEnd, emptyAnswerEnd, isEmptyAnswer } from './cutAnswer';
import type { RetryNote, RunnerEvent } from './runEvents';
import type { RunnerDeps } from './runner';
import { type AppendExtras, type SessionJournal, hashMessage } from './sessionJournal';

type Commit = (j: SessionJournal, step: number, events: RunnerEvent[], extras?: AppendExtras) => Promise<void>;

/**
 * Asks the model for the session's next turn and journals its answer: with tool calls, staged to go
 * out with the first call's plan; without, committed (with the request to continue an answer cut
 * short, or the note that it stays incomplete). Returns why the session completed with an
 * incomplete answer, if it did.
 */
export async function modelTurn(deps: Pick<RunnerDeps, 'llm' | 'tools' | 'onEvent' | 'onModelRequest' | 'maxContinuations'>, j: SessionJournal, signal: AbortSignal, commit: Commit): Promise<string | undefined> {
  const s = j.state;
  const retries: RetryNote[] = [];
  // A conversation ending with the model's own answer (one it refused, and the session was resumed to
  // ask again) would be a prefill: the 4.6 models and later refuse it (400), older ones would only go
  // on with the refusal. The request is asked again without it; the journal keeps it.
  const messages = await j.conversation();
  while (messages.length > 1 && messages.at(-1)?.role === 'assistant') messages.pop();
  const pending = deps.llm.complete(
    { models: s.models, system: systemWithPins(s.system, s.pinned), messages, tools: toolDefinitions(deps.tools), maxTokens: s.maxTokens, signal },
    (event) => {
      if (event.type === 'retry') retries.push({ model: event.model, attempt: event.attempt, delayMs: event.delayMs, code: event.code, reason: event.reason });
      deps.onEvent?.({ type: 'model', sessionId: j.id, event });
    },
  );
  deps.onModelRequest?.();
  const response = await pending;
  const m: Message = { role: 'assistant', content: response.content };
  // max_tokens ending the answer inside a tool_use block leaves that call's input incomplete (the
  // SDK drops an unfinished value, so it may even validate: a command without its cwd): never run.
  const last = response.content.at(-1);
  const cutId = isCut(response.stopReason) && last?.type === 'tool_use' ? last.id : undefined;
  const calls = response.content.filter((b): b is ToolUseBlock => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, ...(b.id === cutId ? { cut: true as const } : {}) }));
  const turn = s.turn + 1;
  const cut = calls.length === 0 ? cutAnswerEnd(response.stopReason, s.continued ?? 0, s.maxTokens, deps.maxContinuations) : undefined;
  const end = cut ?? (calls.length === 0 && response.stopReason === 'end_turn' && isEmptyAnswer(response.content) ? emptyAnswerEnd(s.continued ?? 0) : undefined);
  const event: RunnerEvent = {
    type: 'model_turn',
    data: { turn, message: hashMessage(m), calls, stopReason: response.stopReason, usage: response.usage, costUsd: response.costUsd, model: response.model, attempts: response.attempts, retries, ...(response.spent ? { spent: response.spent } : {}), ...(end?.continues ? { continues: true as const } : {}) },
  };
  // With tool calls, the turn goes out in one batch with the first call's plan and intent, before
  // that call does anything; a crash in between loses only a response that was never acted on.
  // An answer cut short goes out with the request to continue it (or the note that it is incomplete).
  if (calls.length > 0) j.stage(turn, [event], { messages: [m] });
  else await commit(j, turn, [event, ...(end?.events ?? [])], { messages: [m, ...(end?.messages ?? [])] });
  return end?.incomplete;
}
