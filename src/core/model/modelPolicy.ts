import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import type { LlmEvent } from './llmClient';
import { ModelError } from './modelError';

export interface ModelPolicyOptions {
  /** Attempts per model, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff ceiling; full jitter picks a wait in [0, ceiling). Default 500 ms. */
  initialDelayMs?: number;
  /** Longest wait between attempts, `retry-after` included. Default 60 s. */
  maxDelayMs?: number;
  /** Consecutive outage-type failures that open a model's circuit. Default 5. */
  breakerThreshold?: number;
  /** How long an open circuit waits before one trial request. Default 30 s. */
  halfOpenAfterMs?: number;
}

/** Full-jitter exponential backoff that never waits less than the server's `retry-after`. */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly inner: IBackoffFactory<unknown>,
    private readonly maxDelayMs: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const jittered = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const floor = ModelError.is(error) ? (error.details.retryAfterMs ?? 0) : 0;
    return { duration: Math.min(this.maxDelayMs, Math.max(jittered.duration, floor)), next: (c) => new RetryAfterBackoff(jittered, this.maxDelayMs).next(c) };
  }
}

const isRetryable = (e: Error) => ModelError.is(e) && e.retryable;
/** Failures that say the model is in trouble (not our request): these count toward its circuit. */
const isOutage = (e: Error) => ModelError.is(e) && (e.code === 'OVERLOADED' || e.code === 'SERVER' || e.code === 'CONNECTION');

/**
 * Settles like `run`, but rejects with ABORTED as soon as `signal` aborts: cockatiel's wait between
 * attempts ignores the signal, so a cancel during a long `retry-after` would otherwise wait it out.
 * The abandoned run still settles (its next attempt sees the aborted signal and sends nothing).
 */
function untilAborted<T>(run: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return run;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ModelError('ABORTED', 'the request was cancelled'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Per-model resilience: a retry policy around a circuit breaker (every attempt counts toward the
 * breaker, and an open circuit ends the retries), one breaker per (endpoint, model)
 * for the life of the client, so a model that keeps failing is skipped for fallbacks until its
 * half-open trial succeeds.
 */
export class ModelPolicies {
  private readonly breakers = new Map<string, ReturnType<typeof circuitBreaker>>();
  private readonly listening = new Set<(e: LlmEvent) => void>();

  constructor(
    private readonly endpoint: string,
    private readonly options: ModelPolicyOptions = {},
  ) {}

  async run<T>(model: string, signal: AbortSignal | undefined, emit: (e: LlmEvent) => void, fn: (attempt: number) => Promise<T>): Promise<T> {
    const maxDelayMs = this.options.maxDelayMs ?? 60_000;
    const backoff = new RetryAfterBackoff(
      new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: this.options.initialDelayMs ?? 500, maxDelay: maxDelayMs }),
      maxDelayMs,
    );
    const retryPolicy = retry(handleWhen(isRetryable), { maxAttempts: (this.options.maxAttempts ?? 5) - 1, backoff });
    const sub = retryPolicy.onRetry((r) => {
      const err = 'error' in r ? r.error : undefined;
      emit({
        type: 'retry',
        model,
        attempt: r.attempt,
        delayMs: r.delay,
        reason: err instanceof Error ? err.message : 'failed',
        code: ModelError.is(err) ? err.code : 'UNKNOWN',
      });
    });
    this.listening.add(emit);
    try {
      const run = wrap(retryPolicy, this.breaker(model)).execute(({ attempt }) => fn(attempt), signal);
      return await untilAborted(run, signal);
    } catch (e) {
      if (e instanceof BrokenCircuitError) throw new ModelError('UNAVAILABLE', `${model}: circuit open after repeated failures`, {}, { cause: e });
      throw e;
    } finally {
      sub.dispose();
      this.listening.delete(emit);
    }
  }

  /** Whether a model's circuit currently refuses calls. */
  isOpen(model: string): boolean {
    return this.breakers.get(this.key(model))?.state === CircuitState.Open;
  }

  private key(model: string): string {
    return `${this.endpoint}|${model}`;
  }

  private breaker(model: string) {
    let b = this.breakers.get(this.key(model));
    if (!b) {
      b = circuitBreaker(handleWhen(isOutage), {
        halfOpenAfter: this.options.halfOpenAfterMs ?? 30_000,
        breaker: new ConsecutiveBreaker(this.options.breakerThreshold ?? 5),
      });
      // One subscription for the breaker's life; its state changes go to every call in flight.
      b.onStateChange((s) => {
        if (s === CircuitState.Isolated) return;
        const state = s === CircuitState.Open ? 'open' : s === CircuitState.HalfOpen ? 'half-open' : 'closed';
        for (const emit of this.listening) emit({ type: 'breaker', model, state });
      });
      this.breakers.set(this.key(model), b);
    }
    return b;
  }
}
