import { StoreError } from './errors';
import { END, isValidActionId, keys, seqOfKey } from './keys';
import type { StoreContext } from './storeContext';
import type {
  EffectRecord,
  EventRange,
  JournalEvent,
  ListSessionsOptions,
  QuarantineNotice,
  SessionDamage,
  SessionId,
  SessionLoad,
  SessionPage,
  SessionSummary,
  StoredSnapshot,
} from './types';

interface PhaseRecord {
  at: number;
  data: unknown;
}

/** The read side of the store: everything streams, nothing loads a whole journal into memory. */
export class JournalReader {
  constructor(
    private readonly ctx: StoreContext,
    private readonly requireSession: (id: SessionId) => Promise<SessionSummary>,
  ) {}

  /**
   * One reverse range scan of the by-update index, whose values are copies of the index rows.
   * Keys written before those copies existed have an empty value; their rows are read in one
   * `getMany`. A page is full when one more key exists after it, so an exact fit has no cursor.
   */
  async listSessions(options: ListSessionsOptions = {}): Promise<SessionPage> {
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 10_000));
    const lt = options.cursor && options.cursor.startsWith(keys.updatedPrefix) ? options.cursor : keys.updatedPrefix + END;
    const rows: (SessionSummary | SessionId)[] = [];
    let last: string | undefined;
    let more = false;
    for await (const entries of this.ctx.rangeBatches(keys.updatedPrefix, lt, { reverse: true, limit: limit + 1 })) {
      for (const [k, raw] of entries) {
        if (rows.length === limit) {
          more = true;
          break;
        }
        last = k;
        rows.push(this.indexCopy(k, raw) ?? (k.slice(k.lastIndexOf('!') + 1) as SessionId));
      }
    }
    const legacy = rows.filter((r): r is SessionId => typeof r === 'string');
    const rowsById = await this.readRows(legacy);
    const sessions: SessionSummary[] = [];
    for (const r of rows) {
      const s = typeof r === 'string' ? rowsById.get(r) : r;
      if (s) sessions.push(s);
    }
    return more && last ? { sessions, cursor: last } : { sessions };
  }

  /** The copy of the index row under a by-update key; undefined for an old empty key or a damaged copy (then s! decides). */
  private indexCopy(key: string, raw: Uint8Array | undefined): SessionSummary | undefined {
    if (!raw || raw.length === 0) return undefined;
    try {
      const s = this.ctx.decodeJson<SessionSummary>(raw);
      return key.endsWith(`!${s.id}`) ? s : undefined;
    } catch {
      return undefined;
    }
  }

  private async readRows(ids: readonly SessionId[]): Promise<Map<SessionId, SessionSummary>> {
    const out = new Map<SessionId, SessionSummary>();
    const sessionKeys = ids.map((id) => keys.session(id));
    const raws = await this.ctx.getManyRaw(sessionKeys, 'listing sessions');
    for (let i = 0; i < ids.length; i++) {
      const raw = raws[i];
      if (raw === undefined) continue;
      const { value } = await this.ctx.decodeOrQuarantine<SessionSummary>(sessionKeys[i] as string, raw);
      if (value) out.set(ids[i] as SessionId, value);
    }
    return out;
  }

  /**
   * When a session's index row is damaged (and was quarantined), its copy under the by-update key
   * still describes it: put it back, so the session stays loadable. Scans the index; damage only.
   */
  async recoverSummary(id: SessionId): Promise<SessionSummary | undefined> {
    for await (const [k, raw] of this.ctx.prefix(keys.updatedPrefix)) {
      if (!k.endsWith(`!${id}`)) continue;
      const copy = this.indexCopy(k, raw);
      if (!copy) return undefined;
      if (!this.ctx.readOnly) {
        await this.ctx.write([{ type: 'put', key: keys.session(id), value: raw as Uint8Array }], `repairing session ${id}`).catch(() => undefined);
      }
      return copy;
    }
    return undefined;
  }

  async loadSession<S>(id: SessionId): Promise<SessionLoad<S>> {
    const summary = await this.requireSession(id);
    const notices: QuarantineNotice[] = [];
    let snapshot: StoredSnapshot<S> | undefined;
    for await (const [k, raw] of this.ctx.prefix(keys.snapshotPrefix(id), { reverse: true })) {
      const { value, notice } = await this.ctx.decodeOrQuarantine<StoredSnapshot<S>>(k, raw as Uint8Array);
      if (notice) notices.push(notice);
      else if (value && value.seq === seqOfKey(k) && value.seq <= summary.headSeq) {
        snapshot = value;
        break;
      } else {
        notices.push(await this.ctx.quarantine(k, raw, 'snapshot does not match its key'));
      }
    }
    let damage: SessionDamage | undefined = notices.length ? { lastValidSeq: summary.headSeq, notices } : undefined;
    const from = (snapshot?.seq ?? 0) + 1;
    const ctx = this.ctx;
    async function* tail(): AsyncGenerator<JournalEvent> {
      let expected = from;
      const fail = (notice: QuarantineNotice) => {
        damage = { lastValidSeq: expected - 1, notices: [...notices, notice] };
      };
      try {
        for await (const entries of ctx.rangeBatches(keys.event(id, from), keys.event(id, summary.headSeq) + '\x00')) {
          for (const [k, raw] of entries) {
            const seq = seqOfKey(k);
            if (seq !== expected) {
              fail({ key: keys.event(id, expected), reason: `journal event ${expected} is missing`, sessionId: id, at: ctx.now() });
              return;
            }
            const r = ctx.tryDecodeJson<JournalEvent>(raw as Uint8Array);
            if ('damage' in r) return fail(await ctx.quarantine(k, raw, r.damage));
            const value = r.value;
            if (!value || value.seq !== seq) {
              return fail(await ctx.quarantine(k, raw, 'journal event does not match its key'));
            }
            yield value;
            expected++;
          }
        }
      } catch (e) {
        if (!StoreError.is(e, 'CORRUPT')) throw e;
        return fail({ key: keys.event(id, expected), reason: e.message, sessionId: id, at: ctx.now() });
      }
      if (expected - 1 < summary.headSeq) {
        fail({ key: keys.event(id, expected), reason: `journal event ${expected} is missing (the journal ends at ${expected - 1}, the index says ${summary.headSeq})`, sessionId: id, at: ctx.now() });
      } else if (damage) {
        damage = { ...damage, lastValidSeq: expected - 1 };
      }
    }
    return { summary, snapshot, tail: tail(), damage: () => damage };
  }

  async *readEvents(id: SessionId, range: EventRange = {}): AsyncGenerator<JournalEvent> {
    const from = Math.max(1, range.fromSeq ?? 1);
    const to = range.toSeq ?? Number.MAX_SAFE_INTEGER;
    if (to < from) return;
    const lt = to >= 1e10 ? keys.eventPrefix(id) + END : keys.event(id, to) + '\x00';
    const opts = { reverse: range.reverse ?? false, ...(range.limit !== undefined ? { limit: range.limit } : {}) };
    for await (const entries of this.ctx.rangeBatches(keys.event(id, from), lt, opts)) {
      for (const [k, raw] of entries) {
        const r = this.ctx.tryDecodeJson<JournalEvent>(raw as Uint8Array);
        if ('damage' in r) {
          const notice = await this.ctx.quarantine(k, raw, r.damage);
          throw new StoreError('CORRUPT', `journal event ${k} is damaged and was quarantined: ${notice.reason}`);
        }
        if (r.value) yield r.value;
      }
    }
  }

  async getEffect(id: SessionId, step: number, actionId: string): Promise<EffectRecord | undefined> {
    if (!isValidActionId(actionId)) throw new StoreError('INVALID_ARGUMENT', `invalid action id ${JSON.stringify(actionId)}`);
    const ki = keys.effect(id, step, actionId, 'i');
    const kr = keys.effect(id, step, actionId, 'r');
    const [ri, rr] = await this.ctx.getManyRaw([ki, kr], 'reading an effect');
    if (ri === undefined && rr === undefined) return undefined;
    const record: EffectRecord = { step, actionId };
    if (ri !== undefined) record.intent = await this.decodePhase(ki, ri);
    if (rr !== undefined) record.result = await this.decodePhase(kr, rr);
    return record;
  }

  async listEffects(id: SessionId, step?: number): Promise<EffectRecord[]> {
    const out: EffectRecord[] = [];
    for await (const [k, raw] of this.ctx.prefix(keys.effectPrefix(id, step))) {
      const parts = k.split('!');
      const phase = parts.pop();
      const actionId = parts.pop() as string;
      const s = Number(parts.pop());
      let rec = out[out.length - 1];
      if (!rec || rec.step !== s || rec.actionId !== actionId) {
        rec = { step: s, actionId };
        out.push(rec);
      }
      const value = await this.decodePhase(k, raw as Uint8Array);
      if (phase === 'i') rec.intent = value;
      else rec.result = value;
    }
    return out;
  }

  /** An effect record is never silently dropped: a damaged one is an error the runner must surface. */
  private async decodePhase(key: string, raw: Uint8Array): Promise<PhaseRecord> {
    const { value, notice } = await this.ctx.decodeOrQuarantine<PhaseRecord>(key, raw);
    if (!value) throw new StoreError('CORRUPT', `effect record ${key} is damaged and was quarantined: ${notice?.reason}`);
    return value;
  }

  async listQuarantine(): Promise<QuarantineNotice[]> {
    const out: QuarantineNotice[] = [];
    for await (const [, raw] of this.ctx.prefix(keys.quarantinePrefix, { reverse: true })) {
      try {
        const { key, reason, at, sessionId } = this.ctx.decodeJson<QuarantineNotice>(raw as Uint8Array);
        out.push(sessionId ? { key, reason, at, sessionId } : { key, reason, at });
      } catch {
        out.push({ key: '?', reason: 'the quarantine record itself is damaged', at: 0 });
      }
    }
    return out;
  }
}
