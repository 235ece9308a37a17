/** Session budgets. The counters are derived from the journal, so a restart never resets them. */

export interface Budgets {
  maxSteps?: number;
  /** Input + output + cache tokens over the session. */
  maxTokens?: number;
  maxCostUsd?: number;
  /** Failed calls of one tool before the session stops to ask. */
  maxToolFailures?: number;
}

export interface BudgetCounters {
  steps: number;
  tokens: number;
  costUsd: number;
  toolFailures: Record<string, number>;
}

export type BudgetKind = 'steps' | 'tokens' | 'cost' | 'tool_failures';

export interface Exhaustion {
  kind: BudgetKind;
  limit: number;
  used: number;
  /** The tool, for tool_failures. */
  tool?: string;
}

export const emptyCounters = (): BudgetCounters => ({ steps: 0, tokens: 0, costUsd: 0, toolFailures: {} });

/** The first budget that is used up, or undefined. A limit of 0 or less is no limit. */
export function exhausted(b: Budgets, c: BudgetCounters): Exhaustion | undefined {
  const over = (limit: number | undefined, used: number) => limit !== undefined && limit > 0 && used >= limit;
  if (over(b.maxSteps, c.steps)) return { kind: 'steps', limit: b.maxSteps as number, used: c.steps };
  if (over(b.maxTokens, c.tokens)) return { kind: 'tokens', limit: b.maxTokens as number, used: c.tokens };
  if (over(b.maxCostUsd, c.costUsd)) return { kind: 'cost', limit: b.maxCostUsd as number, used: c.costUsd };
  for (const [tool, used] of Object.entries(c.toolFailures)) {
    if (over(b.maxToolFailures, used)) return { kind: 'tool_failures', limit: b.maxToolFailures as number, used, tool };
  }
  return undefined;
}

/** Budgets raised so that `e` is no longer exhausted (the user chose "continue, raise the budget"). */
export function raise(b: Budgets, e: Exhaustion, factor = 2): Budgets {
  const next = Math.max(e.used + 1, Math.ceil(e.limit * factor));
  switch (e.kind) {
    case 'steps':
      return { ...b, maxSteps: next };
    case 'tokens':
      return { ...b, maxTokens: next };
    case 'cost':
      return { ...b, maxCostUsd: Math.max(e.used * 1.01, e.limit * factor) };
    case 'tool_failures':
      return { ...b, maxToolFailures: next };
  }
}
