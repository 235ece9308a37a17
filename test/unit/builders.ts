import type { NewEvent, SessionId, StepCommit } from '../../src/core/store/types';

/** Test builders for journal content: messages in the Anthropic API shape, and whole steps. */

export function assistantMessage(step: number, text = `I will look at step ${step}.`) {
  return {
    role: 'assistant' as const,
    content: [
      { type: 'text', text },
      { type: 'tool_use', id: `toolu_${step}`, name: 'read_file', input: { path: `src/f${step}.ts` } },
    ],
  };
}

export function toolResultMessage(step: number, text = `contents of src/f${step}.ts`) {
  return {
    role: 'user' as const,
    content: [{ type: 'tool_result', tool_use_id: `toolu_${step}`, content: text }],
  };
}

export function stepEvents(step: number): NewEvent[] {
  return [
    { step, type: 'model_turn', data: assistantMessage(step) },
    { step, type: 'tool_result', data: toolResultMessage(step) },
  ];
}

export function stepCommit(sessionId: SessionId, step: number, headSeq: number, extra: Partial<StepCommit> = {}): StepCommit {
  return {
    sessionId,
    expectedHeadSeq: headSeq,
    events: stepEvents(step),
    summary: { stepCount: step },
    ...extra,
  };
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A 200-line source file whose line `i` is deterministic, for blob and delta tests. */
export function sourceFile(seed: number, lines = 200): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`export const v${seed}_${i} = ${(seed * 7919 + i * 104729) % 1000003};`);
  return out.join('\n') + '\n';
}

/** `src` with `count` lines replaced at `at`. */
export function editLines(src: string, at: number, count: number, tag: string): string {
  const lines = src.split('\n');
  for (let i = 0; i < count; i++) lines[at + i] = `// edited ${tag} line ${i}`;
  return lines.join('\n');
}
