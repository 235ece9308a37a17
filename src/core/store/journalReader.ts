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

  async listSessions(options: ListSessionsOptions = {}): Promise<SessionPage> {
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 10_000));
    const ids: SessionId[] = [];
    let last: string | undefined;
    const lt = options.cursor && options.cursor.startsWith(keys.updatedPrefix) ? options.cursor : keys.updatedPrefix + END;
    for await (const [k] of this.ctx.range(keys.updatedPrefix, lt, { reverse: true, limit, values: false })) {
      ids.push(k.slice(k.lastIndexOf('!') + 1) as SessionId);
      last = k;
    }
    const sessionKeys = ids.map((id) => keys.session(id));
    let raws: (Uint8Array | undefined)[];
    try {
      raws = await this.ctx.db.getMany(sessionKeys);
    } catch (e) {
      throw new StoreError('IO', 'listing sessions failed', { cause: e });
    }
    const sessions: SessionSummary[] = [];
    for (let i = 0; i < ids.length; i++) {
      const raw = raws[i];
      if (raw === undefined) continue;
      const { value } = await this.ctx.decodeOrQuarantine<SessionSummary>(sessionKeys[i] as string, raw);
      if (value) sessions.push(value);
    }
    return ids.length === limit && last ? { sessions, cursor: last } : { sessions };
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
        for await (const [k, raw] of ctx.range(keys.event(id, from), keys.event(id, summary.headSeq) + '\x00')) {
          const seq = seqOfKey(k);
          if (seq !== expected) {
            fail({ key: keys.event(id, expected), reason: `journal event ${expected} is missing`, sessionId: id, at: ctx.now() });
            return;
          }
          const { value, notice } = await ctx.decodeOrQuarantine<JournalEvent>(k, raw as Uint8Array);
          if (notice) return fail(notice);
          if (!value || value.seq !== seq) {
            return fail(await ctx.quarantine(k, raw, 'journal event does not match its key'));
          }
          yield value;
          expected++;
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
    for await (const [k, raw] of this.ctx.range(keys.event(id, from), lt, opts)) {
      const { value, notice } = await this.ctx.decodeOrQuarantine<JournalEvent>(k, raw as Uint8Array);
      if (notice) throw new StoreError('CORRUPT', `journal event ${k} is damaged and was quarantined: ${notice.reason}`);
      if (value) yield value;
    }
  }

  async getEffect(id: SessionId, step: number, actionId: string): Promise<EffectRecord | undefined> {
    if (!isValidActionId(actionId)) throw new StoreError('INVALID_ARGUMENT', `invalid action id ${JSON.stringify(actionId)}`);
    const ki = keys.effect(id, step, actionId, 'i');
    const kr = keys.effect(id, step, actionId, 'r');
    const [ri, rr] = await this.ctx.db.getMany([ki, kr]);
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
