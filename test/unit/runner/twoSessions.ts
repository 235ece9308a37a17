import type { ApprovalPolicy } from '../../../src/core/runner/approvalPolicy';

/** For tests of two sessions in one folder: every call runs unasked. */
export const AUTO: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: [] };
/** The scripted model names of session A and session B (each session's turns are its model's). */
export const A = 'claude-sonnet-4-6-session-a';
export const B = 'claude-sonnet-4-6-session-b';

/** A turn of `model` that calls `name` with `input`. */
export const call = (model: string, id: string, name: string, input: Record<string, unknown>) => ({ type: 'message' as const, model, content: [{ type: 'tool_use' as const, id, name, input }] });
/** A turn of `model` that runs the command `line`. */
export const command = (model: string, id: string, line: string) => call(model, id, 'run_command', { command: line });

/** Polls until `probe` holds; fails after a generous stall limit (never a timing assertion). */
export async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stalled waiting for ${what}`);
}
