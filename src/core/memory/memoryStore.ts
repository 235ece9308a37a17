import { monotonicFactory } from 'ulid';
import type { BatchOp, StoreContext } from '../store/storeContext';
import { StoreError } from '../store/errors';
import { isValidSessionId } from '../store/keys';
import type { SessionId } from '../store/types';
import {
  type MemoryChange,
  type MemoryEntry,
  MemoryError,
  type MemoryId,
  type MemoryPatch,
  type MemoryRevert,
  type MemoryScope,
  type MemoryVersion,
  type NewMemory,
  type WriteCondition,
  type WriteOrigin,
  type WriteResult,
  MEMORY_KINDS,
  checkText,
  normalizeTags,
} from './memoryTypes';
import { EMPTY, K } from './memoryKeys';


/** The latest version not undone decides what an entry reads now. */
function currentOf(versions: readonly MemoryVersion[]): MemoryEntry | null {
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i] as MemoryVersion;
    if (v.revertedBy === undefined) return v.entry;
  }
  return null;
}

function checkOrigin(o: WriteOrigin): void {
  if (!isValidSessionId(o.sessionId)) throw new MemoryError('INVALID_ARGUMENT', `invalid session id ${JSON.stringify(o.sessionId)}`);
  if (!Number.isInteger(o.seq) || o.seq < 0) throw new MemoryError('INVALID_ARGUMENT', `invalid journal seq ${o.seq}`);
  if (o.opKey !== undefined && !/^[A-Za-z0-9_.:-]{1,128}$/.test(o.opKey)) throw new MemoryError('INVALID_ARGUMENT', `invalid op key ${JSON.stringify(o.opKey)}`);
}

/** The entry a write changes is there, and (with `ifVersion`) still as the writer read it. */
function checkCondition(id: MemoryId, prev: MemoryEntry | null, cond: WriteCondition): asserts prev is MemoryEntry {
  if (!prev) throw new MemoryError('NOT_FOUND', `no memory ${id}`);
  if (cond.ifVersion !== undefined && prev.version !== cond.ifVersion) throw new MemoryError('CHANGED', `memory ${id} changed (version ${prev.version}, not ${cond.ifVersion})`);
}

const provenanceOf = (o: WriteOrigin) => ({ sessionId: o.sessionId, seq: o.seq, ...(o.step !== undefined ? { step: o.step } : {}) });

/**
 * One scope of long-term memory, persisted in a space of a checkpoint store (see
 * `LevelCheckpointStore.openSpace`). Every write (entry, version, write-log row, idempotency key)
 * is ONE atomic batch with the store's fsync policy, so after a crash a write is wholly there or
 * not at all. Writers are serialised inside the process; LevelDB's lock keeps other processes out.
 * No search here: `LongTermMemory` keeps the index and follows the `MemoryChange`s returned.
 */
export class MemoryStore {
  private readonly newId = monotonicFactory();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly scope: MemoryScope,
    private readonly ctx: StoreContext,
  ) {}

  get readOnly(): boolean {
    return this.ctx.readOnly;
  }

  /** Every current entry, in id (creation) order, in batches: what the index is rebuilt from. */
  async *entries(): AsyncGenerator<MemoryEntry[]> {
    for await (const batch of this.ctx.rangeBatches(K.currentPrefix, `${K.currentPrefix}\xff`)) {
      const out: MemoryEntry[] = [];
      for (const [key, raw] of batch) {
        const r = this.ctx.tryDecodeJson<MemoryEntry>(raw as Uint8Array);
        if ('value' in r) out.push(r.value);
        else {
          const recovered = await this.recover(key.slice(K.currentPrefix.length) as MemoryId, key, raw as Uint8Array, r.damage);
          if (recovered) out.push(recovered);
        }
      }
      yield out;
    }
  }

  async get(id: MemoryId): Promise<MemoryEntry | undefined> {
    const { value, notice } = await this.ctx.readJson<MemoryEntry>(K.current(id), 'reading a memory');
    if (notice) return (await this.recover(id)) ?? undefined;
    return value;
  }

  /** Every version of an entry, oldest first, undone ones included. */
  async history(id: MemoryId): Promise<MemoryVersion[]> {
    const out: MemoryVersion[] = [];
    for await (const [key, raw] of this.ctx.prefix(K.versionPrefix(id))) {
      const { value } = await this.ctx.decodeOrQuarantine<MemoryVersion>(key, raw as Uint8Array);
      if (value) out.push(value);
    }
    return out;
  }

  async create(input: NewMemory, origin: WriteOrigin): Promise<WriteResult> {
    if (!MEMORY_KINDS.includes(input.kind)) throw new MemoryError('INVALID_ARGUMENT', `unknown memory kind ${JSON.stringify(input.kind)}`);
    const text = checkText(input.text);
    const tags = normalizeTags(input.tags);
    return this.write(this.newId() as MemoryId, origin, (prev, version, at) => {
      if (prev) throw new MemoryError('INVALID_ARGUMENT', 'id collision');
      const prov = provenanceOf(origin);
      const entry: MemoryEntry = {
        id: '' as MemoryId, scope: this.scope, kind: input.kind, text, tags, pinned: input.pinned ?? false,
        createdAt: at, updatedAt: at, createdBy: prov, provenance: prov, version,
      };
      return { op: 'create', entry };
    });
  }

  async edit(id: MemoryId, patch: MemoryPatch, origin: WriteOrigin, cond: WriteCondition = {}): Promise<WriteResult> {
    if (patch.kind !== undefined && !MEMORY_KINDS.includes(patch.kind)) throw new MemoryError('INVALID_ARGUMENT', `unknown memory kind ${JSON.stringify(patch.kind)}`);
    const text = patch.text === undefined ? undefined : checkText(patch.text);
    const tags = patch.tags === undefined ? undefined : normalizeTags(patch.tags);
    return this.write(id, origin, (prev, version, at) => {
      checkCondition(id, prev, cond);
      const entry: MemoryEntry = {
        ...prev,
        ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
        ...(text !== undefined ? { text } : {}),
        ...(tags !== undefined ? { tags } : {}),
        ...(patch.pinned !== undefined ? { pinned: patch.pinned } : {}),
        updatedAt: Math.max(at, prev.updatedAt),
        provenance: provenanceOf(origin),
        version,
      };
      return { op: 'edit', entry };
    });
  }

  async forget(id: MemoryId, origin: WriteOrigin, cond: WriteCondition = {}): Promise<WriteResult> {
    return this.write(id, origin, (prev) => {
      checkCondition(id, prev, cond);
      return { op: 'forget', entry: null };
    });
  }

  /**
   * Undoes every write (create, edit, forget) that `sessionId` made after journal position
   * `afterSeq` (and up to `throughSeq`, when given), in one atomic batch. Each touched entry then
   * reads as its latest version not undone: an entry the session edited or forgot gets its previous
   * version back, one it created disappears, and a later write by another session stays in force.
   * The idempotency keys of undone writes are dropped, so a call replayed after a rewind writes
   * again. Idempotent; returns undefined when there was nothing to undo.
   */
  revertSessionAfter(sessionId: SessionId, afterSeq: number, throughSeq?: number): Promise<{ revert?: MemoryRevert; changes: MemoryChange[] }> {
    return this.exclusive(async () => {
      const targets = await this.targetsAfter(sessionId, afterSeq, throughSeq);
      const revertId = this.newId();
      const at = this.ctx.now();
      const revert: MemoryRevert = { revertId, scope: this.scope, sessionId, afterSeq, ...(throughSeq !== undefined ? { throughSeq } : {}), at, versions: [] };
      const { ops, changes } = await this.restamp(targets, (v) => {
        if (v.revertedBy !== undefined) return false;
        v.revertedBy = revertId;
        revert.versions.push({ id: v.id, version: v.version });
        return true;
      });
      if (revert.versions.length === 0) return { changes: [] };
      ops.push({ type: 'put', key: K.revert(revertId), value: this.ctx.encodeJson(revert) });
      await this.ctx.write(ops, 'reverting memory writes');
      return { revert, changes };
    });
  }

  /**
   * The writes `revertSessionAfter` would undo now, oldest first, without writing anything: what a
   * rewind preview shows ("this also undoes 3 memory writes").
   */
  async writesAfter(sessionId: SessionId, afterSeq: number, throughSeq?: number): Promise<MemoryVersion[]> {
    const out: MemoryVersion[] = [];
    for (const [id, wanted] of await this.targetsAfter(sessionId, afterSeq, throughSeq)) {
      for (const v of await this.history(id)) if (wanted.has(v.version) && v.revertedBy === undefined) out.push(v);
    }
    return out.sort((a, b) => a.provenance.seq - b.provenance.seq || a.at - b.at);
  }

  /** Entry ids and versions the session wrote in (afterSeq, throughSeq], from the write log. */
  private async targetsAfter(sessionId: SessionId, afterSeq: number, throughSeq?: number): Promise<Map<MemoryId, Set<number>>> {
    const lt = throughSeq === undefined ? K.writeEnd(sessionId) : K.writeFrom(sessionId, throughSeq + 1);
    const targets = new Map<MemoryId, Set<number>>();
    for await (const [key] of this.ctx.range(K.writeFrom(sessionId, afterSeq + 1), lt, { values: false })) {
      const [, , , id, v] = key.split('!');
      targets.set(id as MemoryId, (targets.get(id as MemoryId) ?? new Set<number>()).add(Number(v)));
    }
    return targets;
  }

  /** Re-applies the writes a revert undid (unless a later revert undid them again). Idempotent. */
  undoRevert(revertId: string): Promise<{ revert: MemoryRevert; changes: MemoryChange[] }> {
    return this.exclusive(async () => {
      const { value: revert } = await this.ctx.readJson<MemoryRevert>(K.revert(revertId), 'reading a memory revert');
      if (!revert) throw new MemoryError('NOT_FOUND', `no memory revert ${revertId}`);
      if (revert.undoneAt !== undefined) return { revert, changes: [] };
      const targets = new Map<MemoryId, Set<number>>();
      for (const { id, version } of revert.versions) targets.set(id, (targets.get(id) ?? new Set<number>()).add(version));
      const { ops, changes } = await this.restamp(targets, (v) => {
        if (v.revertedBy !== revertId) return false;
        delete v.revertedBy;
        return true;
      });
      const done: MemoryRevert = { ...revert, undoneAt: this.ctx.now() };
      ops.push({ type: 'put', key: K.revert(revertId), value: this.ctx.encodeJson(done) });
      await this.ctx.write(ops, 'undoing a memory revert');
      return { revert: done, changes };
    });
  }

  /** Reverts of this scope, oldest first. */
  /** Whether this scope holds the revert `revertId` (one read). */
  async hasRevert(revertId: string): Promise<boolean> {
    return (await this.ctx.getRaw(K.revert(revertId), 'reading a memory revert')) !== undefined;
  }

  async listReverts(): Promise<MemoryRevert[]> {
    const out: MemoryRevert[] = [];
    for await (const [key, raw] of this.ctx.prefix(K.revertPrefix)) {
      const { value } = await this.ctx.decodeOrQuarantine<MemoryRevert>(key, raw as Uint8Array);
      if (value) out.push(value);
    }
    return out;
  }

  /**
   * The batch operations that flip the `revertedBy` mark of the targeted versions (`flip` says
   * whether it changed one) and bring each entry's current row and idempotency keys in line.
   */
  private async restamp(targets: Map<MemoryId, Set<number>>, flip: (v: MemoryVersion) => boolean): Promise<{ ops: BatchOp[]; changes: MemoryChange[] }> {
    const ops: BatchOp[] = [];
    const changes: MemoryChange[] = [];
    for (const [id, wanted] of targets) {
      const versions = await this.history(id);
      const before = currentOf(versions);
      let flipped = false;
      for (const v of versions) {
        if (!wanted.has(v.version) || !flip(v)) continue;
        flipped = true;
        ops.push({ type: 'put', key: K.version(id, v.version), value: this.ctx.encodeJson(v) });
        if (v.opKey !== undefined) {
          const key = K.opKey(v.provenance.sessionId, v.opKey);
          ops.push(v.revertedBy === undefined ? { type: 'put', key, value: this.ctx.encodeJson({ id, version: v.version }) } : { type: 'del', key });
        }
      }
      if (!flipped) continue;
      const after = currentOf(versions);
      ops.push(after ? { type: 'put', key: K.current(id), value: this.ctx.encodeJson(after) } : { type: 'del', key: K.current(id) });
      if (before?.version !== after?.version) changes.push({ id, before, after });
    }
    return { ops, changes };
  }

  private async write(
    id: MemoryId,
    origin: WriteOrigin,
    build: (prev: MemoryEntry | null, version: number, at: number) => { op: MemoryVersion['op']; entry: MemoryEntry | null },
  ): Promise<WriteResult> {
    checkOrigin(origin);
    return this.exclusive(async () => {
      // A write made before (a call run again at resume) is answered even where the store is read-only.
      if (origin.opKey !== undefined) {
        const replay = await this.replay(origin.sessionId, origin.opKey);
        if (replay) return replay;
      }
      this.assertWritable();
      const prev = (await this.get(id)) ?? null;
      const last = await this.lastVersion(id);
      const at = this.ctx.now();
      const { op, entry: built } = build(prev, last + 1, at);
      const entry = built ? { ...built, id } : null;
      const record: MemoryVersion = { id, version: last + 1, op, entry, provenance: provenanceOf(origin), at, ...(origin.opKey !== undefined ? { opKey: origin.opKey } : {}) };
      const ops: BatchOp[] = [
        { type: 'put', key: K.version(id, record.version), value: this.ctx.encodeJson(record) },
        { type: 'put', key: K.write(origin.sessionId, origin.seq, id, record.version), value: EMPTY },
        entry ? { type: 'put', key: K.current(id), value: this.ctx.encodeJson(entry) } : { type: 'del', key: K.current(id) },
      ];
      if (origin.opKey !== undefined) ops.push({ type: 'put', key: K.opKey(origin.sessionId, origin.opKey), value: this.ctx.encodeJson({ id, version: record.version }) });
      await this.ctx.write(ops, `writing memory ${id}`);
      return { entry, previous: prev, version: record.version, replayed: false };
    });
  }

  /** The recorded outcome of a write already made under this idempotency key. */
  private async replay(sessionId: SessionId, opKey: string): Promise<WriteResult | undefined> {
    const { value: seen } = await this.ctx.readJson<{ id: MemoryId; version: number }>(K.opKey(sessionId, opKey), 'reading a memory op key');
    if (!seen) return undefined;
    const versions = await this.history(seen.id);
    const i = versions.findIndex((v) => v.version === seen.version);
    if (i < 0) return undefined;
    return { entry: (versions[i] as MemoryVersion).entry, previous: currentOf(versions.slice(0, i)), version: seen.version, replayed: true };
  }

  private async lastVersion(id: MemoryId): Promise<number> {
    for await (const [key] of this.ctx.prefix(K.versionPrefix(id), { reverse: true, limit: 1, values: false })) {
      return Number(key.slice(key.lastIndexOf('!') + 1));
    }
    return 0;
  }

  /** A damaged current row (quarantined by the read) is rebuilt from the versions, which are the truth. */
  private async recover(id: MemoryId, key?: string, raw?: Uint8Array, damage?: string): Promise<MemoryEntry | null> {
    if (key !== undefined && damage !== undefined) await this.ctx.quarantine(key, raw, damage);
    const entry = currentOf(await this.history(id));
    if (entry && !this.ctx.readOnly) await this.ctx.write([{ type: 'put', key: K.current(id), value: this.ctx.encodeJson(entry) }], `repairing memory ${id}`);
    return entry;
  }

  private assertWritable(): void {
    if (this.ctx.readOnly) throw new StoreError('READ_ONLY', `the ${this.scope} memory is open read-only because another window is using it`);
  }

  /** Serialises the writers of this scope inside the process. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
