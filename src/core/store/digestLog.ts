import { keys, seqOfKey } from './keys';
import type { BatchOp, StoreContext } from './storeContext';
import type { DigestCoverage, EventDigest, JournalEvent, SessionId, SessionSummary } from './types';

/** Digests gathered into one page record: a reader then decodes a record per page, not per event. */
export const DIGEST_PAGE = 64;

/** A stored digest record: one event's digest, or a page of them (keyed by the first one's seq). */
type DigestRecord = JournalEvent | { page: JournalEvent[] };

const isPage = (r: DigestRecord): r is { page: JournalEvent[] } => Array.isArray((r as { page?: unknown }).page);

/** What a commit adds to the digests: its ops are already in the batch; `done` runs once the batch is on disk. */
export interface StagedDigests {
  coverage: DigestCoverage;
  /** Encoded bytes of the records it puts (the session's size counts them). */
  bytes: number;
  done(): void;
}

/**
 * The event digests of each session (`CheckpointStore.readDigests`): written in the batch of the
 * events they digest, first one record each (`t!<sid>!<seq>`), then, once `DIGEST_PAGE` of them
 * are waiting, as ONE page record that replaces them in the same batch. The session row's
 * `digests` says how far they are complete, how many there are and how many are not paged yet.
 */
export class DigestLog {
  /** The unpaged digests at the end of each session this process writes (read back once otherwise). */
  private readonly tails = new Map<SessionId, JournalEvent[]>();

  constructor(
    private readonly ctx: StoreContext,
    private readonly digest: EventDigest | undefined,
  ) {}

  /**
   * Adds the digests of `events` (already numbered) to `ops`. Undefined when the session is not
   * digested throughout: an event of it was written without a digest (an older Savepoint, a store
   * opened without one, another version), or its unpaged tail cannot be read back. The session row
   * then keeps its old, stale coverage, and readers go to the journal.
   */
  async stage(prev: SessionSummary, events: readonly JournalEvent[], ops: BatchOp[]): Promise<StagedDigests | undefined> {
    const d = this.digest;
    if (!d || events.length === 0) return undefined;
    const cover: DigestCoverage = prev.headSeq === 0 ? { version: d.version, seq: 0, count: 0, tail: 0 } : (prev.digests as DigestCoverage);
    if (prev.headSeq !== 0 && !(cover?.version === d.version && cover.seq === prev.headSeq)) return undefined;
    const sid = prev.id;
    const fresh: JournalEvent[] = [];
    for (const e of events) {
      const data = d.of(e.type, e.data);
      if (data !== undefined) fresh.push({ ...e, data });
    }
    const seq = (events[events.length - 1] as JournalEvent).seq;
    const tailLength = cover.tail ?? 0;
    let bytes = 0;
    const put = (key: string, value: Uint8Array) => {
      ops.push({ type: 'put', key, value });
      bytes += key.length + value.length;
    };
    if (tailLength + fresh.length < DIGEST_PAGE) {
      for (const f of fresh) put(keys.digest(sid, f.seq), this.ctx.encodeJson(f));
      const cached = this.tails.get(sid);
      return {
        coverage: { version: d.version, seq, count: cover.count + fresh.length, tail: tailLength + fresh.length },
        bytes,
        done: () => {
          if (cached && cached.length === tailLength) cached.push(...fresh);
          else this.tails.delete(sid);
        },
      };
    }
    const waiting = await this.tail(sid, tailLength);
    if (!waiting) return undefined;
    const page = [...waiting, ...fresh];
    // The page takes the key of its first digest; the others it replaces go in the same batch.
    for (const w of waiting.slice(1)) ops.push({ type: 'del', key: keys.digest(sid, w.seq) });
    put(keys.digest(sid, (page[0] as JournalEvent).seq), this.ctx.encodeJson({ page }));
    return {
      coverage: { version: d.version, seq, count: cover.count + fresh.length, tail: 0 },
      bytes,
      done: () => this.tails.set(sid, []),
    };
  }

  /** The `n` unpaged digests at the end of the session, or undefined when they are not what the row says. */
  private async tail(sid: SessionId, n: number): Promise<JournalEvent[] | undefined> {
    const cached = this.tails.get(sid);
    if (cached && cached.length === n) return cached;
    this.tails.delete(sid);
    if (n === 0) return [];
    const out: JournalEvent[] = [];
    for await (const [k, raw] of this.ctx.range(keys.digestPrefix(sid), keys.digestPrefix(sid) + '\xff', { reverse: true, limit: n })) {
      const r = this.ctx.tryDecodeJson<DigestRecord>(raw as Uint8Array);
      if ('damage' in r || !r.value || isPage(r.value) || r.value.seq !== seqOfKey(k)) return undefined;
      out.unshift(r.value);
    }
    return out.length === n ? out : undefined;
  }

  /** See `CheckpointStore.readDigests`. */
  async read(summary: SessionSummary, version: string): Promise<JournalEvent[] | undefined> {
    if (summary.headSeq === 0) return [];
    const cover = summary.digests;
    if (cover?.version !== version || cover.seq !== summary.headSeq) return undefined;
    const id = summary.id;
    const out: JournalEvent[] = [];
    for await (const entries of this.ctx.rangeBatches(keys.digestPrefix(id), keys.digest(id, summary.headSeq) + '\x00')) {
      for (const [k, raw] of entries) {
        const r = this.ctx.tryDecodeJson<DigestRecord>(raw as Uint8Array);
        if ('damage' in r) {
          await this.ctx.quarantine(k, raw, r.damage);
          return undefined;
        }
        const rec = r.value;
        const first = rec && isPage(rec) ? rec.page[0] : rec;
        if (!first || first.seq !== seqOfKey(k)) {
          await this.ctx.quarantine(k, raw, 'event digest does not match its key');
          return undefined;
        }
        if (isPage(rec)) out.push(...rec.page);
        else out.push(rec);
      }
    }
    // A digest missing (quarantined earlier, or lost) makes them incomplete: the journal decides.
    return out.length === cover.count ? out : undefined;
  }

  forget(id: SessionId): void {
    this.tails.delete(id);
  }
}
