import type { StepInput } from '../../src/core/scripted/scenario';

/**
 * A long session for the scripted model: `turns` model turns that write, edit, run commands and read,
 * in a folder of their own (`long/`), with a compaction every 400 turns (a turn whose usage fills the
 * window, then the summary's answer), then a final answer.
 */
export const LONG_RUN_MODEL = 'claude-sonnet-4-6-integration-long-run';
export const LONG_RUN_TASK = 'Refactor the long/ folder step by step';
/** The same steps again, for a session watched in the sidebar from its start. */
export const LONG_FOLLOW_MODEL = 'claude-sonnet-4-6-integration-long-follow';
export const LONG_FOLLOW_TASK = 'Refactor the long/ folder while I watch';
const FILES = 20;

export function longRunSteps(turns: number, model = LONG_RUN_MODEL): StepInput[] {
  const files = new Map<string, string>();
  const steps: StepInput[] = [];
  for (let i = 1; i <= turns; i++) {
    const f = `long/f${i % FILES}.ts`;
    const text = `Step ${i}: ${['rewriting', 'editing', 'generating into', 'inspecting'][i % 4]} ${f}.`;
    let content;
    const have = files.get(f);
    if (have === undefined || i % 4 === 0) {
      const lines = Array.from({ length: 20 }, (_, l) => `export const v${l} = ${l === 0 ? i : l}; // ${f} line ${l}`);
      const c = `${lines.join('\n')}\n`;
      files.set(f, c);
      content = [{ type: 'text' as const, text }, { type: 'tool_use' as const, id: `toolu_long_${i}_w`, name: 'write_file', input: { path: f, content: c } }];
    } else if (i % 4 === 1) {
      const line = (i * 7) % 20;
      const old = new RegExp(`^export const v${line} = .*$`, 'm').exec(have)?.[0] ?? '';
      const next = `export const v${line} = ${i * 3}; // edited at step ${i}`;
      files.set(f, have.replace(old, next));
      content = [{ type: 'text' as const, text }, { type: 'tool_use' as const, id: `toolu_long_${i}_e`, name: 'edit_file', input: { path: f, old_text: old, new_text: next } }];
    } else if (i % 4 === 2) {
      content = [{ type: 'text' as const, text }, { type: 'tool_use' as const, id: `toolu_long_${i}_c`, name: 'run_command', input: { command: `mkdir -p long/gen && echo "made at step ${i}" > long/gen/g${i % 30}.txt && echo "build ${i}" >> long/build.log` } }];
    } else {
      content = [
        { type: 'text' as const, text },
        { type: 'tool_use' as const, id: `toolu_long_${i}_r`, name: 'read_file', input: { path: f } },
        { type: 'tool_use' as const, id: `toolu_long_${i}_l`, name: 'run_command', input: { command: 'ls long | wc -l' } },
      ];
    }
    const full = i % 400 === 0;
    steps.push({ type: 'message', model, content, usage: { input_tokens: full ? 160000 : 3000 + (i % 50) * 100, output_tokens: 120 } });
    if (full) steps.push({ type: 'message', model, content: [{ type: 'text', text: `Summary of steps 1 to ${i}: the files of long/ were rewritten and edited one by one.` }] });
  }
  steps.push({ type: 'message', model, content: [{ type: 'text', text: `Done after ${turns} steps.` }] });
  return steps;
}
