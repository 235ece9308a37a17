import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepInput } from '../../src/core/scripted/scenario';
import { ProseGenerator, deriveSeed, makeRng } from '../store/random';
import { hotFiles, relPath } from '../store/workspace';

/**
 * W1's session as a scripted model: S turns of 1,500 characters of text plus one tool call
 * (`edit_file` of 3 lines of a hot file on even turns, `read_file` of a hot file on odd turns),
 * each answered after `latencyMs`, then a final answer. Edits target a different function each
 * time, so every edit's old text is unique and present.
 */
export async function benchScenario(ws: string, seed: number, files: number, steps: number, latencyMs: number): Promise<StepInput[]> {
  const hot = hotFiles(seed, files);
  const prose = new ProseGenerator(seed);
  const rng = makeRng(deriveSeed(seed, 0x5e55));
  const heads = new Map<number, string[][]>();
  for (const f of hot) {
    const lines = (await readFile(join(ws, relPath(f)), 'utf8')).split('\n');
    const blocks: string[][] = [];
    lines.forEach((l, i) => l.startsWith('export function ') && blocks.push(lines.slice(i, i + 3)));
    heads.set(f, blocks);
  }
  const out: StepInput[] = [];
  for (let s = 0; s < steps; s++) {
    const file = hot[Math.floor(s / 2) % hot.length] as number;
    const path = relPath(file);
    let call: { name: string; input: Record<string, unknown> };
    if (s % 2 === 0) {
      const block = heads.get(file)?.[Math.floor(s / 2 / hot.length)];
      if (!block) throw new Error(`not enough functions for ${steps} steps`);
      call = { name: 'edit_file', input: { path, old_text: block.join('\n'), new_text: [`// step ${s}: rewritten`, block[0] ?? '', `  // ${prose.text(rng, 40)}`].join('\n') } };
    } else {
      call = { name: 'read_file', input: { path } };
    }
    out.push({
      type: 'message',
      delayMs: latencyMs,
      content: [{ type: 'text', text: prose.text(rng, 1500) }, { type: 'tool_use', id: `toolu_w1_${String(s).padStart(4, '0')}`, ...call }],
      usage: { input_tokens: 2000 + s * 30, output_tokens: 400 },
    });
  }
  out.push({ type: 'message', delayMs: latencyMs, content: [{ type: 'text', text: 'Done.' }] });
  return out;
}
