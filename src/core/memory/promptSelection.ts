import type { RecallHit } from './memoryIndex';
import type { MemoryEntry, MemoryId } from './memoryTypes';

/** What goes into the system prompt: the entries chosen, rendered, and their approximate size. */
export interface PromptSelection {
  entries: MemoryEntry[];
  /** Ready to append to the system prompt; empty when nothing was chosen. */
  text: string;
  /** Approximate tokens of `text` (see estimateTokens). */
  tokens: number;
  /** Candidates left out because they did not fit the budget. */
  omitted: number;
  /** Pinned entries that did not fit: `text` names them to the model (by id, for recall). */
  leftOutPinned: MemoryEntry[];
}

/** The line that tells the model which pinned memories the prompt had no room for. */
export function leftOutNote(left: readonly MemoryEntry[]): string {
  return left.length ? `Pinned memories left out for lack of room (recall them by id when they matter): ${left.map((e) => e.id).join(', ')}\n` : '';
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const PICTURE = /\p{Extended_Pictographic}/u;

/**
 * Approximate tokens, counted by character class: about four characters a token for ASCII (English
 * and code), one for each CJK (and Thai) character and each emoji, two characters a token for any
 * other code point (Cyrillic, Greek, accented Latin, and combining marks, joiners and variation
 * selectors too: each is bytes the model reads, and counted as nothing a memory of 4,000 of them
 * went into the prompt as one token). Counted over code points: "text.length / 4" read Chinese as a
 * quarter of what it costs, and a prompt budget of CJK memories overran four times.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  let whole = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) ascii++;
    else if (WIDE.test(ch) || PICTURE.test(ch)) whole++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other / 2 + whole);
}

/** The most distinct words of a task the prompt's memory search looks for. */
export const MAX_PROMPT_QUERY_TERMS = 64;

/**
 * The search for a session's prompt memories, from its task: the first distinct words only. The
 * search costs time per word (prefix and fuzzy matching), and a task can hold a pasted log of
 * thousands of words: searched whole, it blocked the start of a session for seconds.
 */
export function promptQuery(task: string, maxTerms = MAX_PROMPT_QUERY_TERMS): string {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const word of task.split(/[\n\r\p{Z}\p{P}]+/u)) {
    const term = word.toLowerCase();
    if (term === '' || seen.has(term)) continue;
    seen.add(term);
    terms.push(term);
    if (terms.length >= maxTerms) break;
  }
  return terms.join(' ');
}

export const PROMPT_HEADER = 'Long-term memory (from earlier sessions; ids are for the remember and forget tools):\n';

/**
 * Every way a text can break a line as the model reads it: not only LF and CRLF, but a lone CR,
 * NEL, vertical tab, form feed and the Unicode line and paragraph separators.
 */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;

/**
 * One entry as the model reads it: one item of a list, its further lines indented under it (a line
 * of its text that starts with "- (procedure, pinned, user)" must not read as another memory).
 */
export function renderForPrompt(e: MemoryEntry): string {
  const tags = e.tags.length ? ` [${e.tags.join(', ')}]` : '';
  const scope = e.scope === 'user' ? ', user' : '';
  const text = e.text.replace(LINE_BREAK, '\n  ');
  return `- (${e.kind}${e.pinned ? ', pinned' : ''}${scope}) ${text}${tags} {${e.id}}\n`;
}

/** The share of the budget procedures take for being procedures; more of them go in only as hits of the query. */
export const PROCEDURE_SHARE = 0.5;

/**
 * Chooses memories for the prompt within `tokenBudget` (header included): pinned entries first,
 * then procedures (by relevance to the query, then most recent) within PROCEDURE_SHARE of the
 * budget, then the recall hits by relevance (procedures left out before included). Greedy: an entry
 * that does not fit is skipped and smaller ones after it may still go in. Pinned entries that do not
 * fit are named in a note at the end (`leftOutNote`), and then nothing unpinned goes in. Pure: `candidates` are
 * every current entry, `hits` the recall of the query.
 */
export function selectEntries(candidates: Iterable<MemoryEntry>, hits: readonly RecallHit[], tokenBudget: number): PromptSelection {
  const score = new Map<MemoryId, number>(hits.map((h) => [h.entry.id, h.score]));
  const byRelevance = (a: MemoryEntry, b: MemoryEntry) => (score.get(b.id) ?? 0) - (score.get(a.id) ?? 0) || b.updatedAt - a.updatedAt;
  const all = [...candidates];
  const pinned = all.filter((e) => e.pinned).sort(byRelevance);
  const procedures = all.filter((e) => !e.pinned && e.kind === 'procedure').sort(byRelevance);

  const chosen = new Set<MemoryId>();
  const entries: MemoryEntry[] = [];
  let text = '';
  let used = estimateTokens(PROMPT_HEADER);
  const take = (list: readonly MemoryEntry[], budget: number) => {
    const start = used;
    for (const e of list) {
      if (chosen.has(e.id)) continue;
      const line = renderForPrompt(e);
      const cost = estimateTokens(line);
      if (used + cost > tokenBudget || used - start + cost > budget) continue;
      used += cost;
      chosen.add(e.id);
      entries.push(e);
      text += line;
    }
  };
  take(pinned, tokenBudget);
  const leftOutPinned = pinned.filter((e) => !chosen.has(e.id));
  let note = '';
  if (leftOutPinned.length) {
    // The note takes its room from the pinned entries last taken; nothing unpinned goes in while a
    // pinned one is left out (a user who pins a memory expects it before any other).
    while (entries.length && used + estimateTokens(leftOutNote(leftOutPinned)) > tokenBudget) {
      const last = entries.pop() as MemoryEntry;
      chosen.delete(last.id);
      leftOutPinned.unshift(last);
      text = text.slice(0, text.length - renderForPrompt(last).length);
      used -= estimateTokens(renderForPrompt(last));
    }
    note = leftOutNote(leftOutPinned);
    if (used + estimateTokens(note) > tokenBudget) note = '';
  } else {
    take(procedures, Math.floor(tokenBudget * PROCEDURE_SHARE));
    take(hits.map((h) => h.entry), tokenBudget);
  }
  const considered = new Set([...pinned, ...procedures, ...hits.map((h) => h.entry)].map((e) => e.id));
  const omitted = considered.size - chosen.size;
  if (entries.length === 0 && !note) return { entries, text: '', tokens: 0, omitted, leftOutPinned };
  const full = PROMPT_HEADER + text + note;
  return { entries, text: full, tokens: estimateTokens(full), omitted, leftOutPinned };
}
