import type { Budgets } from '../core/runner/budgets';
import type { Runner } from '../core/runner/runner';
import { SessionJournal } from '../core/runner/sessionJournal';
import type { CheckpointStore } from '../core/store/checkpointStore';
import type { SessionId } from '../core/store/types';

const OPTION: Record<keyof Budgets, string> = { maxSteps: '--max-steps', maxTokens: '--max-tokens', maxCostUsd: '--max-cost', maxToolFailures: '--max-tool-failures', maxMinutes: '--max-minutes' };

/**
 * The budget options given to `resume`: a session keeps the budgets it started with, so they were
 * dropped without a word, and a session its budget stopped was asked again about the old limit.
 * At its budget question they are the user's answer (the budgets set, as `approve --edit` sets
 * them: a limit still used up asks again); elsewhere they are named as not used. Returns what to say.
 */
export async function resumeBudgets(store: CheckpointStore, runner: Runner, id: SessionId, given: Budgets): Promise<string | undefined> {
  const keys = Object.keys(given) as (keyof Budgets)[];
  if (keys.length === 0) return undefined;
  const s = (await SessionJournal.open(store, id)).state;
  const open = s.openApprovals[0];
  if (open?.kind === 'budget' && s.status !== 'failed' && s.status !== 'completed') {
    await runner.decide(id, open.approvalId, { decision: 'edit', input: given });
    return undefined;
  }
  const differ = keys.filter((k) => s.budgets[k] !== given[k]);
  if (differ.length === 0) return undefined;
  return `${differ.map((k) => `${OPTION[k]} is not used`).join(', ')}: a session keeps the budgets it started with (${JSON.stringify(s.budgets)}) until its budget question, where resume with the option (or approve --edit) sets them`;
}
