import type { BlobHash, SessionId } from './types';

/**
 * Key layout. One flat keyspace with a one-letter table prefix; every range a reader iterates is
 * bounded by `prefix` .. `prefix + '\xff'`, so no table ever sees another's keys.
 *
 *   m!<name>                         meta (schema version, workspace id)
 *   s!<sid>                          session index row
 *   u!<updatedAt:13>!<sid>           index by last update; value: a copy of the s! row (empty in older stores)
 *   e!<sid>!<seq:10>                 journal event
 *   n!<sid>!<seq:10>                 state snapshot taken after event seq (the latest two are kept)
 *   t!<sid>!<seq:10>                 digest of event seq (LevelStoreOptions.digest), when it has one
 *   x!<sid>!<step:10>!<actionId>!i|r effect intent / result
 *   b!<hash>                         blob (full content or delta)
 *   r!<hash>!<owner>                 blob reference: a session id, or ~<hash> of a delta built on it
 *   o!<sid>!<hash>                   blobs a session references (for deletion)
 *   q!<at:13>!<key>                  quarantined record (raw bytes)
 *   d!<at:13>!<sid>                  deletion record (purged flag set once everything is gone)
 */
export const END = '\xff';

const pad = (n: number, width: number): string => {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
};

export const keys = {
  meta: (name: string) => `m!${name}`,
  session: (sid: SessionId) => `s!${sid}`,
  sessionPrefix: 's!',
  updated: (at: number, sid: SessionId) => `u!${pad(at, 13)}!${sid}`,
  updatedPrefix: 'u!',
  event: (sid: SessionId, seq: number) => `e!${sid}!${pad(seq, 10)}`,
  eventPrefix: (sid: SessionId) => `e!${sid}!`,
  snapshot: (sid: SessionId, seq: number) => `n!${sid}!${pad(seq, 10)}`,
  snapshotPrefix: (sid: SessionId) => `n!${sid}!`,
  digest: (sid: SessionId, seq: number) => `t!${sid}!${pad(seq, 10)}`,
  digestPrefix: (sid: SessionId) => `t!${sid}!`,
  effect: (sid: SessionId, step: number, actionId: string, phase: 'i' | 'r') =>
    `x!${sid}!${pad(step, 10)}!${actionId}!${phase}`,
  effectPrefix: (sid: SessionId, step?: number) => (step === undefined ? `x!${sid}!` : `x!${sid}!${pad(step, 10)}!`),
  blob: (hash: BlobHash) => `b!${hash}`,
  ref: (hash: BlobHash, owner: string) => `r!${hash}!${owner}`,
  refPrefix: (hash: BlobHash) => `r!${hash}!`,
  owned: (sid: SessionId, hash: BlobHash) => `o!${sid}!${hash}`,
  ownedPrefix: (sid: SessionId) => `o!${sid}!`,
  quarantine: (at: number, key: string) => `q!${pad(at, 13)}!${key}`,
  quarantinePrefix: 'q!',
  deletion: (at: number, sid: SessionId) => `d!${pad(at, 13)}!${sid}`,
  deletionPrefix: 'd!',
};

/** Parses the numeric suffix of an event or snapshot key. */
export function seqOfKey(key: string): number {
  return Number(key.slice(key.lastIndexOf('!') + 1));
}

/** The session id embedded in a session-scoped key, if any. */
export function sessionOfKey(key: string): SessionId | undefined {
  const m = /^[esntxo]!([^!]+)!/.exec(key) ?? /^s!([^!]+)$/.exec(key);
  return m ? (m[1] as SessionId) : undefined;
}

/** Valid session ids: ULIDs or caller-chosen ids of safe characters (never '!' which is our separator). */
export function isValidSessionId(id: string): id is SessionId {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

export function isValidActionId(id: string): boolean {
  return /^[A-Za-z0-9_.:-]{1,128}$/.test(id);
}
