import { type DecodedBlob, MAX_DELTA_DEPTH, applyDelta, assertBlobHash, decodeBlob, encodeDelta, encodeFull, hashBlob } from './blobFormat';
import { isEncrypted } from './codec';
import { dependencyMoves, sealedOf } from './sealedBlobs';
import { StoreError } from './errors';
import { keys } from './keys';
import type { BatchOp, StoreContext } from './storeContext';
import type { BlobHash, BlobInput, SessionId } from './types';

interface Cached {
  content: Uint8Array;
  depth: number;
  /** Its record and every record down its delta chain are encrypted (see `which`). */
  sealed: boolean;
}

type DeltaRecord = Extract<DecodedBlob, { kind: 'delta' }>;

/** A blob being loaded: the deltas met so far going down its chain, and the version it rests on. */
interface Walk {
  hash: BlobHash;
  /** The next hash down the chain. */
  cur: BlobHash;
  chain: { hash: BlobHash; delta: DeltaRecord }[];
  base?: Cached;
  /** A record met down the chain is not encrypted. */
  plain?: true;
}

/** Blobs staged in a batch; they enter the cache only once the batch is on disk. */
export interface StagedBlobs {
  hashes: BlobHash[];
  bytes: number;
  /** The batch is written: the new blobs enter the cache. */
  commit(): void;
  /** The batch is written, or given up: call it either way, once it is one or the other (see `release`). */
  settle(): void;
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
  /**
   * A release counts a blob's references, then deletes it; a commit of another session that stages
   * the blob in between sees it stored and writes only a reference to it. So a release keeps a blob
   * that a batch not yet written has staged (`staging`: how many such batches), or that was staged
   * after its count began (`lastStaged`, kept while releases run); and a commit stores afresh a
   * blob whose deletion is being written (`freeing`).
   */
  private readonly staging = new Map<BlobHash, number>();
  private readonly lastStaged = new Map<BlobHash, number>();
  private epoch = 0;
  private releasing = 0;
  private readonly freeing = new Set<BlobHash>();
  /** One release at a time: two that each count the other's reference would both keep the blob. */
  private releases: Promise<unknown> = Promise.resolve();

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
      hashes.push(input.hash ?? hashBlob(input.content));
    }
    const held = [...hashes, ...inputs.flatMap((input) => (input.deltaBase ? [input.deltaBase] : []))];
    for (const h of held) this.hold(h);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      for (const h of held) this.unhold(h);
    };
    try {
      bytes = await this.stageOps(owner, inputs, hashes, fresh, ops);
    } catch (e) {
      settle();
      throw e;
    }
    return {
      hashes,
      bytes,
      commit: () => {
        for (const [h, c] of fresh) this.remember(h, c);
      },
      settle,
    };
  }

  private hold(hash: BlobHash): void {
    this.staging.set(hash, (this.staging.get(hash) ?? 0) + 1);
    if (this.releasing > 0) this.lastStaged.set(hash, ++this.epoch);
  }

  private unhold(hash: BlobHash): void {
    const n = (this.staging.get(hash) ?? 1) - 1;
    if (n > 0) this.staging.set(hash, n);
    else this.staging.delete(hash);
  }

  /** The puts of `stage`; returns their bytes. */
  private async stageOps(owner: SessionId, inputs: readonly BlobInput[], hashes: readonly BlobHash[], fresh: Map<BlobHash, Cached>, ops: BatchOp[]): Promise<number> {
    let bytes = 0;
    const { stored, plain } = await this.which(hashes);
    for (const [i, input] of inputs.entries()) {
      const hash = hashes[i] as BlobHash;
      const refKey = keys.ref(hash, owner);
      const ownedKey = keys.owned(owner, hash);
      ops.push({ type: 'put', key: refKey, value: EMPTY }, { type: 'put', key: ownedKey, value: EMPTY });
      bytes += refKey.length + ownedKey.length;
      if (fresh.has(hash) || stored.has(hash)) continue;
      const sealing = this.ctx.codec.encrypting;
      if (plain.has(hash) && !this.freeing.has(hash)) {
        // Stored plain before encryption was turned on: written again, encrypted, in place.
        const moves = dependencyMoves(owner, hash, await this.ctx.getRaw(keys.blob(hash), 'reading a blob'), this.ctx.codec);
        ops.push(...moves);
        bytes += moves.reduce((n, op) => n + op.key.length, 0);
        this.forget(hash);
      }
      let depth = 0;
      let payload: Uint8Array | undefined;
      if (input.deltaBase && input.deltaBase !== hash) {
        const base = fresh.get(input.deltaBase) ?? (this.freeing.has(input.deltaBase) ? undefined : await this.tryLoad(input.deltaBase));
        // Encrypted, a delta rests only on encrypted versions: one on a plain version would keep its contents plain.
        if (base && (!sealing || base.sealed)) {
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
      fresh.set(hash, { content: input.content, depth, sealed: sealing });
    }
    return bytes;
  }

  /**
   * Which of `hashes` are stored: the cache, then ONE read for the rest. With encryption at rest,
   * only those stored encrypted down their whole delta chain: one a plain store wrote before
   * encryption was turned on is written again (see sealedBlobs.ts), not only referenced.
   */
  private async which(hashes: readonly BlobHash[]): Promise<{ stored: Set<BlobHash>; plain: ReadonlySet<BlobHash> }> {
    if (this.ctx.codec.encrypting) {
      const { sealed, plain } = await sealedOf(hashes, (h) => this.cache.get(h), (hs) => this.load(hs), this.freeing);
      return { stored: sealed, plain };
    }
    const out = new Set<BlobHash>();
    const ask = [...new Set(hashes.filter((h) => !(this.cache.has(h) && out.add(h))))];
    const raws = await this.ctx.getManyRaw(ask.map((h) => keys.blob(h)), 'checking blobs');
    ask.forEach((h, i) => raws[i] !== undefined && out.add(h));
    // Being deleted: stored again rather than only referenced.
    for (const h of hashes) if (this.freeing.has(h)) out.delete(h);
    return { stored: out, plain: NOTHING };
  }

  async has(hash: BlobHash): Promise<boolean> {
    if (this.cache.has(hash)) return true;
    return (await this.ctx.getRaw(keys.blob(hash), 'checking a blob')) !== undefined;
  }

  async get(hash: BlobHash): Promise<Uint8Array> {
    assertBlobHash(hash);
    const [found] = await this.load([hash]);
    if (!found) throw new StoreError('BLOB_NOT_FOUND', `blob ${hash} is not in the store`);
    return found.content;
  }

  /** Several blobs, in the order asked, undefined where the store has none (see `load`). */
  async find(hashes: readonly BlobHash[]): Promise<(Uint8Array | undefined)[]> {
    this.ctx.assertOpen();
    hashes.forEach(assertBlobHash);
    return (await this.load(hashes)).map((c) => c?.content);
  }

  /** Several blobs, in the order asked (see `load`). */
  async getMany(hashes: readonly BlobHash[]): Promise<Uint8Array[]> {
    hashes.forEach(assertBlobHash);
    const found = await this.load(hashes);
    return found.map((c, i) => {
      if (!c) throw new StoreError('BLOB_NOT_FOUND', `blob ${hashes[i]} is not in the store`);
      return c.content;
    });
  }

  private async tryLoad(hash: BlobHash): Promise<Cached | undefined> {
    return (await this.load([hash]))[0];
  }

  /**
   * Loads blobs (undefined: not in the store), following their delta chains. The chains are walked
   * side by side, a level at a time: each level is ONE `getMany` of the records not yet known, so
   * twenty files five deltas deep cost five reads, not a hundred. Each record carries a checksum;
   * the version asked for is checked against its hash once rebuilt, and only when it does not match
   * is each version down its chain checked, to find the damaged record (quarantined; throws
   * CORRUPT). Only checked versions enter the cache.
   */
  private async load(hashes: readonly BlobHash[]): Promise<(Cached | undefined)[]> {
    // Held here, not only in the cache: the cache may evict one before the last is rebuilt.
    const known = new Map<BlobHash, Cached>();
    const absent = new Set<BlobHash>();
    const walks = new Map<BlobHash, Walk>();
    /** Full records read, for the quarantine of a damaged one. */
    const fullRaw = new Map<BlobHash, Uint8Array>();
    for (const h of hashes) {
      const hit = this.cache.get(h);
      if (hit) known.set(h, hit);
      else if (!walks.has(h)) walks.set(h, { hash: h, cur: h, chain: [] });
    }
    let active = [...walks.values()];
    for (let hop = 0; active.length > 0; hop++) {
      if (hop > MAX_DELTA_DEPTH + 1) throw await this.damaged((active[0] as Walk).hash, `blob ${(active[0] as Walk).hash} has a delta chain that does not end`);
      const need = [...new Set(active.filter((w) => !this.cache.has(w.cur)).map((w) => w.cur))];
      const raws = await this.ctx.getManyRaw(need.map((h) => keys.blob(h)), 'reading blobs');
      const records = new Map<BlobHash, DecodedBlob>();
      const plain = new Set<BlobHash>();
      for (const [i, h] of need.entries()) {
        const raw = raws[i];
        if (raw === undefined) continue;
        const rec = await this.decodeRecord(h, raw);
        records.set(h, rec);
        if (!isEncrypted(raw)) plain.add(h);
        if (rec.kind === 'full') fullRaw.set(h, raw);
      }
      const next: Walk[] = [];
      for (const w of active) {
        const cached = this.cache.get(w.cur);
        const rec = records.get(w.cur);
        if (cached) {
          w.base = cached;
          if (!cached.sealed) w.plain = true;
        } else if (!rec) {
          if (w.cur !== w.hash) throw await this.damaged(w.hash, `the base ${w.cur} of blob ${w.hash} is missing`);
          absent.add(w.hash);
        } else if (rec.kind === 'full') {
          w.base = { content: rec.content, depth: 0, sealed: !plain.has(w.cur) };
          if (plain.has(w.cur)) w.plain = true;
        } else {
          if (plain.has(w.cur)) w.plain = true;
          w.chain.push({ hash: w.cur, delta: rec });
          w.cur = rec.base;
          next.push(w);
        }
      }
      active = next;
    }
    for (const w of walks.values()) {
      if (absent.has(w.hash)) continue;
      const base = w.base as Cached;
      // Up the chain, keeping each version in case the last one does not match.
      const versions: Cached[] = [base];
      for (let i = w.chain.length - 1; i >= 0; i--) {
        const { delta } = w.chain[i] as Walk['chain'][number];
        versions.push({ content: applyDelta((versions[versions.length - 1] as Cached).content, delta), depth: delta.depth, sealed: false });
      }
      const top = { ...(versions[versions.length - 1] as Cached), sealed: w.plain !== true };
      if (hashBlob(top.content) !== w.hash) throw await this.findDamage(w, versions, fullRaw);
      this.remember(w.hash, top);
      known.set(w.hash, top);
    }
    return hashes.map((h) => known.get(h));
  }

  /** The version rebuilt for `w` does not match its hash: which record is damaged (bottom up). */
  private async findDamage(w: Walk, versions: readonly Cached[], fullRaw: ReadonlyMap<BlobHash, Uint8Array>): Promise<StoreError> {
    // versions[0] is the base (w.cur); versions[k] is chain[chain.length - k].
    if (!this.cache.has(w.cur) && hashBlob((versions[0] as Cached).content) !== w.cur) {
      return this.damaged(w.cur, `blob ${w.cur} does not match its hash`, fullRaw.get(w.cur));
    }
    for (let k = 1; k < versions.length; k++) {
      const h = (w.chain[w.chain.length - k] as Walk['chain'][number]).hash;
      if (hashBlob((versions[k] as Cached).content) !== h) return this.damaged(h, `blob ${h} does not match its hash after applying its delta`);
    }
    return this.damaged(w.hash, `blob ${w.hash} does not match its hash`);
  }

  private async decodeRecord(hash: BlobHash, raw: Uint8Array): Promise<DecodedBlob> {
    try {
      return decodeBlob(this.ctx.codec.decode(raw));
    } catch (e) {
      if (!StoreError.is(e, 'CORRUPT')) throw e;
      await this.ctx.quarantine(keys.blob(hash), raw, e.message);
      throw new StoreError('CORRUPT', `blob ${hash} is damaged and was quarantined: ${e.message}`);
    }
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
   * Drops `owner`'s reference to `hash` and frees the blob once nothing references it. Returns how
   * many blobs were freed (0 or 1). A freed delta's reference on its base becomes `owner`'s, owned
   * key and all, in the same batch: the caller's loop over `owner`'s blobs (retention's purge) then
   * releases the base too, and after a crash in between finds it again. `also`: operations for the
   * same batch, given how many blobs it frees (the caller's record of its progress).
   */
  release(owner: SessionId, hash: BlobHash, also: (freed: number) => BatchOp[] = () => []): Promise<number> {
    const run = this.releases.then(() => this.releaseOne(owner, hash, also));
    this.releases = run.catch(() => undefined);
    return run;
  }

  private async releaseOne(owner: SessionId, hash: BlobHash, also: (freed: number) => BatchOp[]): Promise<number> {
    this.releasing++;
    try {
      const since = this.epoch;
      const ops: BatchOp[] = [{ type: 'del', key: keys.ref(hash, owner) }];
      let freed = 0;
      const remaining = await this.hasRefsOtherThan(hash, owner);
      const raw = remaining ? undefined : await this.ctx.getRaw(keys.blob(hash), 'reading a blob');
      // From the count to the write nothing else runs: a commit that staged the blob meanwhile has it.
      const free = !remaining && !this.stagedSince(hash, since);
      if (free) {
        ops.push({ type: 'del', key: keys.blob(hash) });
        freed = raw === undefined ? 0 : 1;
        if (raw) {
          try {
            const rec = decodeBlob(this.ctx.codec.decode(raw));
            if (rec.kind === 'delta') {
              ops.push(
                { type: 'del', key: keys.ref(rec.base, `~${hash}`) },
                { type: 'put', key: keys.ref(rec.base, owner), value: EMPTY },
                { type: 'put', key: keys.owned(owner, rec.base), value: EMPTY },
              );
            }
          } catch {
            // A damaged blob is freed all the same; its base keeps its other references.
          }
        }
        this.forget(hash);
        this.freeing.add(hash);
      }
      try {
        await this.ctx.write([...ops, ...also(freed)], 'freeing a blob');
      } finally {
        if (free) this.freeing.delete(hash);
      }
      return freed;
    } finally {
      if (--this.releasing === 0) this.lastStaged.clear();
    }
  }

  private stagedSince(hash: BlobHash, since: number): boolean {
    return this.staging.has(hash) || (this.lastStaged.get(hash) ?? -1) > since;
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
const NOTHING: ReadonlySet<BlobHash> = new Set();
