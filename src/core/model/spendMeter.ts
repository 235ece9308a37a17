import { type ModelInfo, costOf } from './models';
import type { Usage } from './types';

/** Tokens the provider billed for attempts whose answer was not used (retried, cut, cancelled), and their price. */
export interface Spent {
  usage: Usage;
  costUsd: number;
}

const zero = (): Usage => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** The sum of two spends (either may be absent). */
export function addSpent(a: Spent | undefined, b: Spent | undefined): Spent | undefined {
  if (!a || !b) return a ?? b;
  const u = { input: a.usage.input + b.usage.input, output: a.usage.output + b.usage.output, cacheRead: a.usage.cacheRead + b.usage.cacheRead, cacheWrite: a.usage.cacheWrite + b.usage.cacheWrite };
  return { usage: u, costUsd: a.costUsd + b.costUsd };
}

/**
 * Counts the usage of one request's attempts as their streams report it (the input at
 * message_start, the output so far at each message_delta), so that an attempt abandoned half way
 * is still paid for: everything but the attempt whose answer is returned.
 */
export class SpendMeter {
  private spent: Spent | undefined;
  private current: { model: string; usage: Usage } | undefined;

  constructor(private readonly prices?: Record<string, ModelInfo>) {}

  /** A new attempt starts: the one before it, if any, was not used. */
  begin(model: string): void {
    this.settle();
    this.current = { model, usage: zero() };
  }

  /** The usage the current attempt's stream reports so far. */
  seen(usage: Usage): void {
    if (this.current) this.current.usage = { ...usage };
  }

  /** The current attempt's answer is used: its tokens are the turn's own, not spent. */
  answered(): void {
    this.current = undefined;
  }

  /** What the unused attempts cost, the one in flight included. */
  total(): Spent | undefined {
    this.settle();
    return this.spent;
  }

  private settle(): void {
    const c = this.current;
    this.current = undefined;
    if (!c || c.usage.input + c.usage.output + c.usage.cacheRead + c.usage.cacheWrite === 0) return;
    this.spent = addSpent(this.spent, { usage: c.usage, costUsd: costOf(c.model, c.usage, this.prices) });
  }
}
