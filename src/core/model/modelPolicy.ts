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
  /**
   * Attempts per model, the first included. Default 10: with the default delays an outage is waited
   * out for about two minutes (four at most) before the turn fails, not a few seconds.
   */
  maxAttempts?: number;
  /** First backoff ceiling; full jitter picks a wait in [0, ceiling). Default 1 s. */
  initialDelayMs?: number;
  /** Longest backoff between attempts. Default 60 s. */
  maxDelayMs?: number;
  /**
   * Longest wait a server's `retry-after` is honoured for (when it asks for more than `maxDelayMs`:
   * trying sooner would only be refused again). Default 5 minutes.
   */
  maxRetryAfterMs?: number;
  /** Consecutive outage-type failures that open a model's circuit. Default 5. */
  breakerThreshold?: number;
  /** How long an open circuit waits before one trial request. Default 30 s. */
  halfOpenAfterMs?: number;
}

/** Full-jitter exponential backoff that never waits less than the server's `retry-after` (up to `maxRetryAfterMs`). */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly inner: IBackoffFactory<unknown>,
    private readonly maxDelayMs: number,
    private readonly maxRetryAfterMs: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const jittered = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const floor = Math.min(this.maxRetryAfterMs, ModelError.is(error) ? (error.details.retryAfterMs ?? 0) : 0);
    return {
      duration: Math.max(Math.min(this.maxDelayMs, jittered.duration), floor),
      next: (c) => new RetryAfterBackoff(jittered, this.maxDelayMs, this.maxRetryAfterMs).next(c),
    };
  }
}

const isRetryable = (e: Error) => ModelError.is(e) && e.retryable;
/** Failures that say the model is in trouble (not our request): these count toward its circuit. */
const isOutage = (e: Error) => ModelError.is(e) && (e.code === 'OVERLOADED' || e.code === 'SERVER' || e.code === 'CONNECTION' || e.code === 'STALLED');

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
 * half-open trial succeeds. The breaker is there to fail over: for the last model of a request
 * there is nothing to fail over to, and its retries are not cut short by it.
 */
export class ModelPolicies {
  private readonly breakers = new Map<string, ReturnType<typeof circuitBreaker>>();
  private readonly listening = new Set<(e: LlmEvent) => void>();

  constructor(
    private readonly endpoint: string,
    private readonly options: ModelPolicyOptions = {},
  ) {}

  /** `failover`: a fallback model follows this one, so an open circuit may end its retries. */
  async run<T>(model: string, signal: AbortSignal | undefined, emit: (e: LlmEvent) => void, fn: (attempt: number) => Promise<T>, failover = true): Promise<T> {
    const maxDelayMs = this.options.maxDelayMs ?? 60_000;
    const backoff = new RetryAfterBackoff(
      new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: this.options.initialDelayMs ?? 1_000, maxDelay: maxDelayMs }),
      maxDelayMs,
      this.options.maxRetryAfterMs ?? 300_000,
    );
    const retryPolicy = retry(handleWhen(isRetryable), { maxAttempts: (this.options.maxAttempts ?? 10) - 1, backoff });
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
      const run = (failover ? wrap(retryPolicy, this.breaker(model)) : retryPolicy).execute(({ attempt }) => fn(attempt), signal);
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
