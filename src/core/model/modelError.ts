import type { Spent } from './spendMeter';

export type ModelErrorCode =
  | 'RATE_LIMITED'
  | 'OVERLOADED'
  | 'SERVER'
  | 'CONNECTION'
  /** The stream ended or errored after it started; the SDK does not retry these, we do. */
  | 'STREAM_INTERRUPTED'
  /** Nothing arrived for longer than the client's idle limit (headers or events); the attempt was abandoned. */
  | 'STALLED'
  | 'BAD_REQUEST'
  /** The request is larger than the model's context window (a 400 that says so). */
  | 'CONTEXT_OVERFLOW'
  | 'AUTH'
  | 'ABORTED'
  /** Every model's circuit is open or every model gave up. */
  | 'UNAVAILABLE';

const RETRYABLE: ReadonlySet<ModelErrorCode> = new Set(['RATE_LIMITED', 'OVERLOADED', 'SERVER', 'CONNECTION', 'STREAM_INTERRUPTED', 'STALLED']);

export class ModelError extends Error {
  override readonly name = 'ModelError';

  constructor(
    readonly code: ModelErrorCode,
    message: string,
    /** `spent`: what the request's attempts were billed although none answered (set by the client as it gives up). */
    readonly details: { status?: number; retryAfterMs?: number; requestId?: string; spent?: Spent } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  static is(e: unknown, code?: ModelErrorCode): e is ModelError {
    return e instanceof ModelError && (code === undefined || e.code === code);
  }
}
