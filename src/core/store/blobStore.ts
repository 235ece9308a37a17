import { MAX_DELTA_DEPTH, applyDelta, decodeBlob, encodeDelta, encodeFull, hashBlob, isBlobHash } from './blobFormat';
import { StoreError } from './errors';
import { keys } from './keys';
import type { BatchOp, StoreContext } from './storeContext';
import type { BlobHash, BlobInput, SessionId } from './types';

interface Cached {
  content: Uint8Array;
  depth: number;
}

/** Blobs staged in a batch; they enter the cache only once the batch is on disk. */
export interface StagedBlobs {
  hashes: BlobHash[];
  bytes: number;
  commit(): void;
}

const CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Content-addressed blobs (sha-256), deduplicated across steps and sessions, optionally kept as a
 * delta against an earlier blob. References (r!) from sessions and from deltas decide when a blob
 * may be freed; a delta's base is never freed while the delta exists.
 */
export class BlobStore {
  /** Recently written or read blobs, so that a delta against the previous version needs no read. */
  private readonly cache = new Map<BlobHash, Cached>();
  private cacheBytes = 0;

  constructor(private readonly ctx: StoreContext) {}

  /** Adds the puts for `inputs` to `ops`. Blobs already stored are only referenced again. */
  async stage(owner: SessionId, inputs: readonly BlobInput[], ops: BatchOp[]): Promise<StagedBlobs> {
    const hashes: BlobHash[] = [];
    const fresh = new Map<BlobHash, Cached>();
    let bytes = 0;
    for (const input of inputs) {
      if (!(input.content instanceof Uint8Array)) {
        throw new StoreError('INVALID_ARGUMENT', 'blob content must be bytes');
      }
      const hash = hashBlob(input.content);
      hashes.push(hash);
      const refKey = keys.ref(hash, owner);
      const ownedKey = keys.owned(owner, hash);
      ops.push({ type: 'put', key: refKey, value: EMPTY }, { type: 'put', key: ownedKey, value: EMPTY });
      bytes += refKey.length + ownedKey.length;
      if (fresh.has(hash) || (await this.has(hash))) continue;
      let depth = 0;
      let payload: Uint8Array | undefined;
      if (input.deltaBase && input.deltaBase !== hash) {
        const base = fresh.get(input.deltaBase) ?? (await this.tryLoad(input.deltaBase));
        if (base) {
          payload = encodeDelta(input.content, base.content, input.deltaBase, base.depth);
          if (payload) {
            depth = base.depth + 1;
            const depKey = keys.ref(input.deltaBase, `~${hash}`);
            ops.push({ type: 'put', key: depKey, value: EMPTY });
            bytes += depKey.length;
          }
        }
      }
      const value = this.ctx.codec.encode(payload ?? encodeFull(input.content));
      const key = keys.blob(hash);
      ops.push({ type: 'put', key, value });
      bytes += key.length + value.length;
      fresh.set(hash, { content: input.content, depth });
    }
    return {
      hashes,
      bytes,
      commit: () => {
        for (const [h, c] of fresh) this.remember(h, c);
      },
    };
  }

  async has(hash: BlobHash): Promise<boolean> {
    if (this.cache.has(hash)) return true;
    return (await this.ctx.getRaw(keys.blob(hash), 'checking a blob')) !== undefined;
  }

  async get(hash: BlobHash): Promise<Uint8Array> {
    assertBlobHash(hash);
    const found = await this.tryLoad(hash);
    if (!found) throw new StoreError('BLOB_NOT_FOUND', `blob ${hash} is not in the store`);
    return found.content;
  }

  /**
   * Several blobs, in the order asked: the records not in the cache are read with one `getMany`,
   * and the delta bases further down the chains are read side by side.
   */
  async getMany(hashes: readonly BlobHash[]): Promise<Uint8Array[]> {
    hashes.forEach(assertBlobHash);
    // Held here, not only in the cache: the cache may evict one before the last is loaded.
    const found = new Map<BlobHash, Cached>();
    const missing = new Set<BlobHash>();
    for (const h of hashes) {
      const hit = this.cache.get(h);
      if (hit) found.set(h, hit);
      else missing.add(h);
    }
    const toRead = [...missing];
    const raws = await this.ctx.getManyRaw(toRead.map((h) => keys.blob(h)), 'reading blobs');
    const missingAt = toRead.findIndex((_, i) => raws[i] === undefined);
    if (missingAt >= 0) throw new StoreError('BLOB_NOT_FOUND', `blob ${toRead[missingAt]} is not in the store`);
    // The delta chains are walked side by side: each hop down a chain is a read of its own.
    const loaded = await Promise.all(toRead.map((hash, i) => this.tryLoad(hash, raws[i])));
    toRead.forEach((hash, i) => found.set(hash, loaded[i] as Cached));
    return hashes.map((h) => (found.get(h) as Cached).content);
  }

  /** Loads a blob (following its delta chain); `first` is its record when the caller has read it already. */
  private async tryLoad(hash: BlobHash, first?: Uint8Array): Promise<Cached | undefined> {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    // Walk down the delta chain, then apply the deltas back up.
    const chain: Extract<ReturnType<typeof decodeBlob>, { kind: 'delta' }>[] = [];
    const chainHashes: BlobHash[] = [];
    let cur = hash;
    let base: Cached | undefined;
    for (let hop = 0; hop <= MAX_DELTA_DEPTH + 1; hop++) {
      const cached = this.cache.get(cur);
      if (cached) {
        base = cached;
        break;
      }
      const raw = hop === 0 && first ? first : await this.ctx.getRaw(keys.blob(cur), 'reading a blob');
      if (raw === undefined) {
        if (cur === hash) return undefined;
        throw await this.damaged(hash, `the base ${cur} of blob ${hash} is missing`);
      }
      let rec;
      try {
        rec = decodeBlob(this.ctx.codec.decode(raw));
      } catch (e) {
        if (!StoreError.is(e, 'CORRUPT')) throw e;
        await this.ctx.quarantine(keys.blob(cur), raw, e.message);
        throw new StoreError('CORRUPT', `blob ${cur} is damaged and was quarantined: ${e.message}`);
      }
      if (rec.kind === 'full') {
        base = { content: rec.content, depth: 0 };
        if (hashBlob(rec.content) !== cur) throw await this.damaged(cur, `blob ${cur} does not match its hash`, raw);
        break;
      }
      chain.push(rec);
      chainHashes.push(cur);
      cur = rec.base;
    }
    if (!base) throw await this.damaged(hash, `blob ${hash} has a delta chain that does not end`);
    for (let i = chain.length - 1; i >= 0; i--) {
      const d = chain[i] as (typeof chain)[number];
      const content = applyDelta(base.content, d);
      const h = chainHashes[i] as BlobHash;
      if (hashBlob(content) !== h) throw await this.damaged(h, `blob ${h} does not match its hash after applying its delta`);
      base = { content, depth: d.depth };
      this.remember(h, base);
    }
    return base;
  }

  private async damaged(hash: BlobHash, reason: string, raw?: Uint8Array): Promise<StoreError> {
    if (raw) await this.ctx.quarantine(keys.blob(hash), raw, reason);
    return new StoreError('CORRUPT', reason);
  }

  private remember(hash: BlobHash, c: Cached): void {
    if (c.content.length > CACHE_BYTES / 8) return;
    this.cache.delete(hash);
    this.cache.set(hash, c);
    this.cacheBytes += c.content.length;
    while (this.cacheBytes > CACHE_BYTES) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      this.cacheBytes -= this.cache.get(oldest.value)?.content.length ?? 0;
      this.cache.delete(oldest.value);
    }
  }

  forget(hash: BlobHash): void {
    const c = this.cache.get(hash);
    if (c) this.cacheBytes -= c.content.length;
    this.cache.delete(hash);
  }

  /**
   * Drops `owner`'s reference to `hash` and frees the blob (and, transitively, delta bases) once
   * nothing references it. Returns how many blobs were freed.
   */
  async release(owner: string, hash: BlobHash): Promise<number> {
    const ops: BatchOp[] = [{ type: 'del', key: keys.ref(hash, owner) }];
    let freed = 0;
    let next: BlobHash | undefined;
    const remaining = await this.hasRefsOtherThan(hash, owner);
    if (!remaining) {
      const raw = await this.ctx.getRaw(keys.blob(hash), 'reading a blob');
      ops.push({ type: 'del', key: keys.blob(hash) });
      freed = raw === undefined ? 0 : 1;
      if (raw) {
        try {
          const rec = decodeBlob(this.ctx.codec.decode(raw));
          if (rec.kind === 'delta') next = rec.base;
        } catch {
          // A damaged blob is freed all the same; its base keeps its other references.
        }
      }
    }
    await this.ctx.write(ops, 'freeing a blob');
    this.forget(hash);
    if (next) freed += await this.release(`~${hash}`, next);
    return freed;
  }

  private async hasRefsOtherThan(hash: BlobHash, owner: string): Promise<boolean> {
    const mine = keys.ref(hash, owner);
    for await (const [k] of this.ctx.prefix(keys.refPrefix(hash), { values: false, limit: 2 })) {
      if (k !== mine) return true;
    }
    return false;
  }
}

const EMPTY = new Uint8Array(0);

function assertBlobHash(hash: BlobHash): void {
  if (!isBlobHash(hash)) throw new StoreError('INVALID_ARGUMENT', `not a blob hash: ${String(hash)}`);
}
