import { modelInfo } from '../model/models';
import type { ContentBlock, Message } from '../model/types';
import type { RunState } from './runState';

/** When and how much of a session's history is summarized to keep it inside the model's window. */
export interface ContextOptions {
  /** Compact when the projected context passes this fraction of the window. Default 0.7. */
  threshold?: number;
  /** Model turns (with their results) kept verbatim at the end. Default 4. */
  keepTurns?: number;
  /** The context window in tokens; default: the primary model's. */
  window?: number;
  /** Tokens the summary may take. Default 2048. */
  summaryMaxTokens?: number;
}

export const DEFAULT_THRESHOLD = 0.7;
export const DEFAULT_KEEP_TURNS = 4;
const DEFAULT_WINDOW = 200_000;
/** The transcript a summary is made from is cut (oldest first) to this many characters. */
const MAX_TRANSCRIPT_CHARS = 400_000;

/** About 4 characters per token for English and code: the API's usage corrects it at every turn. */
export const estimateTokens = (chars: number): number => Math.ceil(chars / 4);

export function contextWindow(s: Pick<RunState, 'models'>, o: ContextOptions = {}): number {
  return o.window ?? modelInfo(s.models[0] ?? '')?.contextWindow ?? DEFAULT_WINDOW;
}

/**
 * The size of the next request before it is sent: the last response's usage (its whole prompt
 * plus its answer) and what was added since, estimated from its length.
 */
export function projectedTokens(s: RunState): number {
  return s.context.tokens + estimateTokens(s.context.charsSince);
}

export function needsCompaction(s: RunState, o: ContextOptions = {}): boolean {
  if (s.context.compactedAtTurn === s.turn && s.turn > 0) return false;
  return projectedTokens(s) > (o.threshold ?? DEFAULT_THRESHOLD) * contextWindow(s, o);
}

/**
 * Where the verbatim tail starts: at the assistant message `keepTurns` turns from the end. Null
 * when there is nothing before it worth summarizing.
 */
export function compactionCut(roles: readonly Message['role'][], keepTurns = DEFAULT_KEEP_TURNS): number | null {
  const assistants = roles.flatMap((r, i) => (r === 'assistant' ? [i] : []));
  if (assistants.length <= keepTurns) return null;
  const cut = assistants[assistants.length - Math.max(1, keepTurns)] as number;
  return cut >= 2 ? cut : null;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)} [... ${s.length - n} characters]` : s);

function renderBlock(b: ContentBlock): string {
  switch (b.type) {
    case 'text':
      return b.text;
    case 'tool_use':
      return `[tool call ${b.name} ${clip(JSON.stringify(b.input), 600)}]`;
    case 'tool_result':
      return `[tool result${b.is_error ? ' (error)' : ''}]\n${clip(b.content, 1500)}`;
  }
}

/** The messages to summarize as one plain transcript (the newest part when it is very long). */
export function transcript(messages: readonly Message[]): string {
  const parts = messages.map((m) => `## ${m.role}\n${typeof m.content === 'string' ? m.content : m.content.map(renderBlock).join('\n')}`);
  const text = parts.join('\n\n');
  return text.length > MAX_TRANSCRIPT_CHARS ? `[... the oldest ${text.length - MAX_TRANSCRIPT_CHARS} characters are left out]\n${text.slice(-MAX_TRANSCRIPT_CHARS)}` : text;
}

export const SUMMARY_SYSTEM =
  'You summarize the earlier part of a coding agent\'s session so that the agent can continue without it. ' +
  'Keep every fact the agent will need: the files it read or changed and what they contain that matters, decisions and their reasons, ' +
  'commands run and their outcomes, errors still open, what the user said, and what remains to do. Be specific (paths, names, numbers); ' +
  'no pleasantries. Plain text, at most a few hundred words.';

export function summaryRequest(task: string, messages: readonly Message[]): Message {
  return { role: 'user', content: `The task of the session:\n${task}\n\nThe part of the session to summarize:\n\n${transcript(messages)}` };
}

/** The message that takes the place of the summarized turns: the task verbatim, then the summary. */
export function summaryMessage(task: string, summary: string, n: number, replaced: number): Message {
  return {
    role: 'user',
    content: `${task}\n\n[Compacted history (compaction ${n}): the ${replaced} earlier messages of this session were summarized to save context. Summary:]\n${summary.trim()}`,
  };
}

export function messageChars(m: Message): number {
  return JSON.stringify(m.content).length;
}

/** Pinned facts go with every request, verbatim, whatever was compacted. */
export function systemWithPins(system: string, pinned: readonly string[]): string {
  if (pinned.length === 0) return system;
  return `${system}\n\nPinned facts (kept verbatim for the whole session):\n${pinned.map((p) => `- ${p}`).join('\n')}`;
}
