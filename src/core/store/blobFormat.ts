import * as crypto from 'node:crypto';
import { StoreError } from './errors';
import type { BlobHash } from './types';

/**
 * Blob payloads (before the record codec):
 *   full:  [0] content
 *   delta: [1][depth][base hash: 32 bytes][start: u32][deleteLength: u32] insert
 * A delta says: take the base's content, replace `deleteLength` bytes at `start` with `insert`.
 * That is a single-hunk edit (common prefix and suffix), which is what an agent step usually does
 * to a file; it costs O(n) to compute, and a multi-hunk edit still works, only less compactly.
 */
const KIND_FULL = 0;
const KIND_DELTA = 1;
const DELTA_HEADER = 2 + 32 + 8;
/** Longest delta chain: a blob deeper than this is stored in full, bounding reads to this many hops. */
export const MAX_DELTA_DEPTH = 24;

export type DecodedBlob =
  | { kind: 'full'; content: Uint8Array }
  | { kind: 'delta'; depth: number; base: BlobHash; start: number; deleteLength: number; insert: Uint8Array };

/** Node's one-shot digest (20.12 and later): no Hash object per call, which matters for small blobs. */
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** The sha-256 of `content`, in hex: a blob's address. */
export function hashBlob(content: Uint8Array): BlobHash {
  return (oneShot ? oneShot('sha256', content, 'hex') : crypto.createHash('sha256').update(content).digest('hex')) as BlobHash;
}

export function encodeFull(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + content.length);
  out[0] = KIND_FULL;
  out.set(content, 1);
  return out;
}

/**
 * A delta of `content` against `base`, or undefined when a delta would not pay off (it saves less
 * than half the content) or the chain would get too deep.
 */
export function encodeDelta(
  content: Uint8Array,
  base: Uint8Array,
  baseHash: BlobHash,
  baseDepth: number,
): Uint8Array | undefined {
  if (baseDepth + 1 > MAX_DELTA_DEPTH) return undefined;
  const max = Math.min(content.length, base.length);
  const a = asBuffer(content);
  const b = asBuffer(base);
  const prefix = commonLength(max, (from, to) => a.compare(b, from, to, from, to) === 0);
  const suffix = commonLength(max - prefix, (from, to) => a.compare(b, b.length - to, b.length - from, a.length - to, a.length - from) === 0);
  const insert = content.subarray(prefix, content.length - suffix);
  if (DELTA_HEADER + insert.length > content.length / 2) return undefined;
  const out = new Uint8Array(DELTA_HEADER + insert.length);
  const view = new DataView(out.buffer);
  out[0] = KIND_DELTA;
  out[1] = baseDepth + 1;
  out.set(Buffer.from(baseHash, 'hex'), 2);
  view.setUint32(34, prefix);
  view.setUint32(38, base.length - prefix - suffix);
  out.set(insert, DELTA_HEADER);
  return out;
}

export function decodeBlob(payload: Uint8Array): DecodedBlob {
  if (payload.length < 1) throw new StoreError('CORRUPT', 'empty blob record');
  if (payload[0] === KIND_FULL) return { kind: 'full', content: payload.subarray(1) };
  if (payload[0] !== KIND_DELTA || payload.length < DELTA_HEADER) {
    throw new StoreError('CORRUPT', `unknown blob record kind ${payload[0]}`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return {
    kind: 'delta',
    depth: payload[1] as number,
    base: Buffer.from(payload.subarray(2, 34)).toString('hex') as BlobHash,
    start: view.getUint32(34),
    deleteLength: view.getUint32(38),
    insert: payload.subarray(DELTA_HEADER),
  };
}

const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/**
 * The largest n <= max for which `same(0, n)` holds, given that `same(from, to)` compares the
 * bytes [from, to) and that equality of [0, n) implies it for every shorter range. A binary search
 * of native comparisons (memcmp): a byte loop in JS cost tens of microseconds per file version.
 */
function commonLength(max: number, same: (from: number, to: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    // [0, lo) is known equal: only [lo, mid) needs comparing.
    if (same(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function applyDelta(base: Uint8Array, d: Extract<DecodedBlob, { kind: 'delta' }>): Uint8Array {
  if (d.start + d.deleteLength > base.length) throw new StoreError('CORRUPT', 'blob delta does not fit its base');
  const out = new Uint8Array(base.length - d.deleteLength + d.insert.length);
  out.set(base.subarray(0, d.start), 0);
  out.set(d.insert, d.start);
  out.set(base.subarray(d.start + d.deleteLength), d.start + d.insert.length);
  return out;
}

export function isBlobHash(s: string): s is BlobHash {
  return /^[0-9a-f]{64}$/.test(s);
}

export function assertBlobHash(hash: BlobHash): void {
  if (!isBlobHash(hash)) throw new StoreError('INVALID_ARGUMENT', `not a blob hash: ${String(hash)}`);
}
