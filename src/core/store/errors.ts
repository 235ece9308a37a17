/** Stable codes of store failures. Callers branch on these, never on message text. */
export type StoreErrorCode =
  /** Another process (another editor window) holds the database lock. */
  | 'LOCKED'
  /** The store was opened read-only (e.g. because it was locked); writes are refused. */
  | 'READ_ONLY'
  /** A record failed its checksum or could not be decoded. */
  | 'CORRUPT'
  /** The disk is full; the step was not written. */
  | 'DISK_FULL'
  /** The store was written by a newer Savepoint; it is left untouched. */
  | 'SCHEMA_UNSUPPORTED'
  /** A commit's expected head did not match the journal: another writer moved it. */
  | 'HEAD_MISMATCH'
  | 'SESSION_NOT_FOUND'
  | 'BLOB_NOT_FOUND'
  /** Encrypted records exist but no key (or a wrong key) was supplied. */
  | 'KEY_UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'CLOSED'
  /** Any other I/O failure of the database. */
  | 'IO';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static is(e: unknown, code?: StoreErrorCode): e is StoreError {
    return e instanceof StoreError && (code === undefined || e.code === code);
  }
}

interface LevelLikeError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function chain(e: unknown): LevelLikeError[] {
  const out: LevelLikeError[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur as LevelLikeError);
    cur = (cur as LevelLikeError).cause;
  }
  return out;
}

/**
 * Translates an error from the LevelDB layer into a StoreError. This adapter boundary is the one
 * place that reads LevelDB's own codes and (for ENOSPC, which LevelDB reports only as text) messages.
 */
export function fromLevelError(e: unknown, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const links = chain(e);
  const codes = links.map((l) => (typeof l.code === 'string' ? l.code : ''));
  const text = links.map((l) => (typeof l.message === 'string' ? l.message : '')).join(' | ');
  if (codes.includes('LEVEL_LOCKED')) {
    return new StoreError('LOCKED', `${what}: the store is in use by another window or process`, { cause: e });
  }
  if (codes.includes('ENOSPC') || /no space left on device/i.test(text)) {
    return new StoreError('DISK_FULL', `${what}: the disk is full; nothing was written`, { cause: e });
  }
  if (codes.includes('LEVEL_CORRUPTION') || /corruption/i.test(text)) {
    return new StoreError('CORRUPT', `${what}: the database reports corruption (${text})`, { cause: e });
  }
  if (codes.includes('LEVEL_DATABASE_NOT_OPEN') && codes.length === 1) {
    return new StoreError('CLOSED', `${what}: the store is closed`, { cause: e });
  }
  return new StoreError('IO', `${what}: ${text || String(e)}`, { cause: e });
}
