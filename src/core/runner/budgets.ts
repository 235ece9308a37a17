/** Session budgets. The counters are derived from the journal, so a restart never resets them. */

import { usd } from '../../shared/money';

export interface Budgets {
  maxSteps?: number;
  /** Input + output + cache tokens over the session. */
  maxTokens?: number;
  maxCostUsd?: number;
  /** Failed calls of one tool before the session stops to ask. */
  maxToolFailures?: number;
  /**
   * Minutes of active run time: a runner driving the session (model requests, tools, checks), over
   * all its runs. Time waiting for an approval's answer, paused or stopped is not counted.
   */
  maxMinutes?: number;
}

export interface BudgetCounters {
  steps: number;
  tokens: number;
  costUsd: number;
  toolFailures: Record<string, number>;
  /** Active run time in ms (`activeMs` of the journal's events; absent in older snapshots: 0). */
  activeMs?: number;
}

export type BudgetKind = 'steps' | 'tokens' | 'cost' | 'tool_failures' | 'time';

export interface Exhaustion {
  kind: BudgetKind;
  limit: number;
  used: number;
  /** The tool, for tool_failures. For time, `limit` and `used` are minutes. */
  tool?: string;
}

export const emptyCounters = (): BudgetCounters => ({ steps: 0, tokens: 0, costUsd: 0, toolFailures: {}, activeMs: 0 });

/** What a session spent itself: `c` less what a fork's parent had spent before the fork (`inherited`). */
export function ownCounters(c: BudgetCounters, inherited: BudgetCounters | undefined): BudgetCounters {
  if (!inherited) return c;
  const toolFailures = Object.fromEntries(Object.entries(c.toolFailures).map(([t, n]) => [t, Math.max(0, n - (inherited.toolFailures[t] ?? 0))]));
  return {
    steps: Math.max(0, c.steps - inherited.steps),
    tokens: Math.max(0, c.tokens - inherited.tokens),
    costUsd: Math.max(0, c.costUsd - inherited.costUsd),
    toolFailures,
    activeMs: Math.max(0, (c.activeMs ?? 0) - (inherited.activeMs ?? 0)),
  };
}

/** Minutes of active run time, to a tenth. */
export const activeMinutes = (c: BudgetCounters): number => Math.floor((c.activeMs ?? 0) / 6000) / 10;

/** The first budget that is used up, or undefined. A limit of 0 or less is no limit. */
export function exhausted(b: Budgets, c: BudgetCounters): Exhaustion | undefined {
  const over = (limit: number | undefined, used: number) => limit !== undefined && limit > 0 && used >= limit;
  if (over(b.maxSteps, c.steps)) return { kind: 'steps', limit: b.maxSteps as number, used: c.steps };
  if (over(b.maxTokens, c.tokens)) return { kind: 'tokens', limit: b.maxTokens as number, used: c.tokens };
  if (over(b.maxCostUsd, c.costUsd)) return { kind: 'cost', limit: b.maxCostUsd as number, used: c.costUsd };
  if (over(b.maxMinutes, (c.activeMs ?? 0) / 60_000)) return { kind: 'time', limit: b.maxMinutes as number, used: activeMinutes(c) };
  for (const [tool, used] of Object.entries(c.toolFailures)) {
    if (over(b.maxToolFailures, used)) return { kind: 'tool_failures', limit: b.maxToolFailures as number, used, tool };
  }
  return undefined;
}


/** Every budget's key, in the order they are said. */
export const BUDGET_NAMES = ['maxSteps', 'maxTokens', 'maxCostUsd', 'maxToolFailures', 'maxMinutes'] as const satisfies ReadonlyArray<keyof Budgets>;

/** Budgets as the timeline says them: "20 steps, $1.24, 5 failures per tool" (a limit of 0: no limit). */
export function describeBudgets(b: Budgets): string {
  const set = (n: number | undefined): n is number => typeof n === 'number' && n > 0;
  const parts = [
    set(b.maxSteps) ? `${b.maxSteps} steps` : undefined,
    set(b.maxTokens) ? `${b.maxTokens} tokens` : undefined,
    set(b.maxCostUsd) ? usd(b.maxCostUsd) : undefined,
    set(b.maxToolFailures) ? `${b.maxToolFailures} failures per tool` : undefined,
    set(b.maxMinutes) ? `${b.maxMinutes} minutes` : undefined,
  ].filter((p): p is string => p !== undefined);
  const none = BUDGET_NAMES.filter((k) => k in b && !set(b[k])).map((k) => NAMES[k]);
  return `${parts.join(', ') || 'no limit'}${none.length && parts.length ? ` (${none.join(', ')}: no limit)` : ''}`;
}

const NAMES = { maxSteps: 'steps', maxTokens: 'tokens', maxCostUsd: 'cost', maxToolFailures: 'tool failures', maxMinutes: 'minutes' } as const;

/** The budget question's reason, in words. */
export function describeExhaustion(over: Exhaustion): string {
  switch (over.kind) {
    case 'tool_failures':
      return `tool ${over.tool} failed ${over.used} of ${over.limit}`;
    case 'cost':
      return `cost budget used: ${usd(over.used)} of ${usd(over.limit)}`;
    case 'time':
      return `time budget used: ${over.used} of ${over.limit} minutes of active run time (waiting for approvals not counted)`;
    default:
      return `${over.kind} budget used: ${over.used} of ${over.limit}`;
  }
}

const BUDGET_KEYS = { maxSteps: 'count', maxTokens: 'count', maxCostUsd: 'amount', maxToolFailures: 'count', maxMinutes: 'amount' } as const;

/**
 * What is wrong with budgets the user edited at a budget question (`undefined`: nothing): an object
 * of the five limits, each a number 0 or more (0: no limit), the counts whole. A string, a negative
 * number or a misspelt key would otherwise have been taken as no limit, or as no change.
 */
export function budgetEditFault(input: unknown): string | undefined {
  const form = `budgets are JSON such as {"maxSteps": 10} or {"maxCostUsd": 5}, with ${Object.keys(BUDGET_KEYS).join(', ')}, each a number 0 or more (0: no limit)`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return `${JSON.stringify(input) ?? String(input)} is not budgets: ${form}`;
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length === 0) return `no budget given: ${form}`;
  for (const [key, v] of entries) {
    const kind = Object.hasOwn(BUDGET_KEYS, key) ? BUDGET_KEYS[key as keyof typeof BUDGET_KEYS] : undefined;
    if (kind === undefined) return `there is no budget ${JSON.stringify(key)}: ${form}`;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (kind === 'count' && !Number.isInteger(v))) return `${key} is ${JSON.stringify(v)}, but it must be a ${kind === 'count' ? 'whole ' : ''}number 0 or more: ${form}`;
  }
  return undefined;
}

/**
 * Budgets raised so that `e` is no longer exhausted (the user chose "continue, raise the budget"):
 * to what is used plus the original limit (at least double), so that one big turn past the limit
 * does not leave a raised budget that the next turn uses up at once.
 */
export function raise(b: Budgets, e: Exhaustion): Budgets {
  const whole = Math.ceil(e.used) + e.limit;
  switch (e.kind) {
    case 'steps':
      return { ...b, maxSteps: whole };
    case 'tokens':
      return { ...b, maxTokens: whole };
    case 'cost':
      return { ...b, maxCostUsd: e.used + e.limit };
    case 'tool_failures':
      return { ...b, maxToolFailures: whole };
    case 'time':
      return { ...b, maxMinutes: e.used + e.limit };
  }
}
