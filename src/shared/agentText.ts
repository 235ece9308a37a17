import { shownLines } from './notificationText';

/**
 * What the agent said in a turn, as the CLI and the session document print it under the turn's line: each line after
 * "  > ", control and invisible characters by their code (a model's text must not move the cursor
 * or recolour the terminal). '' when it said nothing.
 */
export function agentSaid(text: string, indent = '  '): string {
  const t = text.trim();
  if (!t) return '';
  return shownLines(t)
    .split('\n')
    .map((l) => `${indent}> ${l}`.trimEnd())
    .join('\n');
}

/** A message as the API shapes it, as far as its text goes. */
interface WithContent {
  content: string | ReadonlyArray<{ type: string; text?: string }>;
}

/** The text blocks of a message, one after another. */
export function messageText(m: WithContent): string {
  if (typeof m.content === 'string') return m.content;
  return m.content
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('\n\n');
}

/** The text of a journaled model turn, read from its message blob ('' when the message is not at hand). */
export async function turnText<H>(store: { getBlob(hash: H): Promise<Uint8Array> }, hash: H): Promise<string> {
  try {
    return messageText(JSON.parse(new TextDecoder().decode(await store.getBlob(hash))) as WithContent);
  } catch {
    return '';
  }
}
