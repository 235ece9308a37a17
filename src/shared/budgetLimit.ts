import { usd } from './money';

/** The budget a budget question is about (as the runner journals it): its kind, limit and what is used. */
export interface UsedBudget {
  kind: 'steps' | 'tokens' | 'cost' | 'tool_failures' | 'time';
  limit: number;
  used: number;
  tool?: string;
}

const KEY = { steps: 'maxSteps', tokens: 'maxTokens', cost: 'maxCostUsd', tool_failures: 'maxToolFailures', time: 'maxMinutes' } as const;

/** `n` of the budget's unit: "$2.50", "3 steps", "5 minutes", "5 failures". */
const unit = (b: UsedBudget, n: number): string => (b.kind === 'cost' ? usd(n) : `${n} ${b.kind === 'time' ? 'minutes' : b.kind === 'tool_failures' ? 'failures' : b.kind}`);

/** What is used of it: "Used $2.75 of $2.50.", "run_command failed 5 of 5 times." */
const usedOf = (b: UsedBudget): string => (b.kind === 'tool_failures' ? `${b.tool ?? 'A tool'} failed ${b.used} of ${b.limit} times.` : `Used ${unit(b, b.used)} of ${unit(b, b.limit)}.`);

/** The words of the box that asks for a new limit: which budget, what is used of it. */
export function limitQuestion(b: UsedBudget): { title: string; prompt: string; placeholder: string } {
  const what = b.kind === 'cost' ? 'dollars' : b.kind === 'time' ? 'minutes of active run time' : b.kind === 'tool_failures' ? `failures of ${b.tool ?? 'one tool'}` : b.kind;
  return {
    title: `New limit in ${what}`,
    prompt: `${usedOf(b)} A new limit above what is used lets the session go on (0: no limit).`,
    placeholder: b.kind === 'cost' ? (b.used + b.limit).toFixed(2) : String(Math.ceil(b.used) + b.limit),
  };
}

/**
 * The budgets a typed limit sets (`budgets`), or what is wrong with it (`fault`): a number 0 or more
 * (0: no limit), whole for steps, tokens and failures, "$" allowed before dollars; above what is used,
 * or the question would come back at once.
 */
export function limitAnswer(text: string, b: UsedBudget): { budgets?: Record<string, number>; fault?: string } {
  const t = text.trim().replace(b.kind === 'cost' ? /^\$\s*/ : /^$/, '');
  const whole = b.kind === 'steps' || b.kind === 'tokens' || b.kind === 'tool_failures';
  const form = whole ? /^[0-9]+$/ : /^[0-9]+(\.[0-9]+)?$/;
  if (!form.test(t)) return { fault: `${text.trim() ? JSON.stringify(text.trim()) : 'nothing'} is not a limit: type a ${whole ? 'whole ' : ''}number, such as ${limitQuestion(b).placeholder} (0: no limit)` };
  const n = Number(t);
  if (n !== 0 && n <= b.used) return { fault: `${unit(b, n)} is not more than the ${unit(b, b.used)} used: the session would ask again at once. Type more, or 0 for no limit` };
  return { budgets: { [KEY[b.kind]]: n } };
}
