import type { BlobStore } from './blobStore';
import { END, keys } from './keys';
import type { BatchOp, StoreContext } from './storeContext';
import {
  ACTIVE_STATUSES,
  type BlobHash,
  type DeletionRecord,
  type RetentionCandidate,
  type RetentionPolicy,
  type SessionId,
  type SessionSummary,
} from './types';

interface StoredDeletion extends DeletionRecord {
  purged: boolean;
}

const CHUNK = 500;

/**
 * Whether retention may delete the session: finished, unpinned, and no rewind of it cut short whose
 * temporary files may still be beside the user's files (`unsettled`: its records name them, and
 * start-up removes them only for a session it still has).
 */
export function retainable(s: SessionSummary): boolean {
  return !s.pinned && !ACTIVE_STATUSES.includes(s.status) && !s.unsettled?.length;
}

/**
 * Retention works on whole sessions: a session's journal, snapshots and effects go together, so no
 * snapshot + delta chain is ever cut in the middle, and blobs shared with other sessions (or used
 * as a delta base) stay until their last reference goes. Active and pinned sessions are exempt.
 */
export class Retention {
  /** Sessions with a deletion not yet purged (a crash cut it short), read once. */
  private unpurged: Promise<Set<SessionId>> | undefined;

  constructor(
    private readonly ctx: StoreContext,
    private readonly blobs: BlobStore,
    private readonly onDeleted: (id: SessionId) => void,
  ) {}

  /**
   * `keep`: sessions the caller keeps whatever the policy says (run by this window, a rewind not
   * undone): they, and the sessions they came from, are neither chosen nor counted as freed.
   */
  async plan(policy: RetentionPolicy, now: number, keep: ReadonlySet<SessionId> = new Set()): Promise<RetentionCandidate[]> {
    const all: SessionSummary[] = [];
    for await (const [, raw] of this.ctx.prefix(keys.sessionPrefix)) {
      try {
        all.push(this.ctx.decodeJson<SessionSummary>(raw as Uint8Array));
      } catch {
        // A damaged index row is reported when it is read through the store; planning skips it.
      }
    }
    all.sort((a, b) => b.updatedAt - a.updatedAt);
    const chosen = new Map<SessionId, RetentionCandidate>();
    const choose = (s: SessionSummary, reason: RetentionCandidate['reason']) => {
      if (!chosen.has(s.id)) {
        chosen.set(s.id, { sessionId: s.id, title: s.title, sizeBytes: s.sizeBytes, updatedAt: s.updatedAt, reason });
      }
    };
    const eligible = all.filter((s) => retainable(s) && !keep.has(s.id));
    if (policy.maxAgeMs !== undefined && policy.maxAgeMs > 0) {
      for (const s of eligible) if (now - s.updatedAt > (policy.maxAgeMs as number)) choose(s, 'maxAge');
    }
    if (policy.maxSessionBytes !== undefined && policy.maxSessionBytes > 0) {
      for (const s of eligible) if (s.sizeBytes > (policy.maxSessionBytes as number)) choose(s, 'maxSessionBytes');
    }
    if (policy.keepLast !== undefined && policy.keepLast >= 0) {
      eligible.slice(policy.keepLast).forEach((s) => choose(s, 'keepLast'));
    }
    // A session a kept session was forked from stays: the rewind that made the fork is recorded in
    // it, with the safety checkpoint its undo restores (and the fork's drift check reads it).
    const byId = new Map(all.map((s) => [s.id, s]));
    const held = (): Set<SessionId> => {
      const out = new Set<SessionId>();
      for (const s of all) {
        if (chosen.has(s.id)) continue;
        const seen = new Set<SessionId>([s.id]);
        for (let p = s.parent?.sessionId; p !== undefined && !seen.has(p); p = byId.get(p)?.parent?.sessionId) {
          seen.add(p);
          out.add(p);
        }
      }
      return out;
    };
    for (const p of held()) chosen.delete(p);
    if (policy.maxTotalBytes !== undefined && policy.maxTotalBytes > 0) {
      // Only what is deleted counts as freed: a session that stays (held by a fork that stays) is
      // passed over, and looked at again once the forks that held it are chosen.
      let total = all.reduce((n, s) => n + (chosen.has(s.id) ? 0 : s.sizeBytes), 0);
      for (let more = true; more && total > policy.maxTotalBytes; ) {
        more = false;
        const stays = held();
        for (let i = eligible.length - 1; i >= 0 && total > policy.maxTotalBytes; i--) {
          const s = eligible[i] as SessionSummary;
          if (chosen.has(s.id) || stays.has(s.id)) continue;
          choose(s, 'maxTotalBytes');
          total -= s.sizeBytes;
          more = true;
        }
      }
    }
    return [...chosen.values()];
  }

  /** Removes the session from the index atomically with its deletion record, then purges its data. */
  async deleteSession(summary: SessionSummary, reason: string): Promise<DeletionRecord> {
    const now = this.ctx.now();
    const record: StoredDeletion = {
      sessionId: summary.id,
      title: summary.title,
      reason,
      deletedAt: now,
      sizeBytes: summary.sizeBytes,
      blobsFreed: 0,
      purged: false,
    };
    const dKey = keys.deletion(now, summary.id);
    await this.ctx.write(
      [
        { type: 'put', key: dKey, value: this.ctx.encodeJson(record) },
        { type: 'del', key: keys.session(summary.id) },
        { type: 'del', key: keys.updated(summary.updatedAt, summary.id) },
      ],
      `deleting session ${summary.id}`,
    );
    this.onDeleted(summary.id);
    const pending = await this.unpurgedIds();
    pending.add(summary.id);
    const done = await this.purge(dKey, record);
    pending.delete(summary.id);
    return done;
  }

  /** The sessions whose deletion is not purged yet (see `finish`). */
  async unpurgedSessions(): Promise<SessionId[]> {
    return [...(await this.unpurgedIds())];
  }

  /**
   * Purges what the deletions of `id` left (a crash cut them short); returns how many were finished.
   * Run under the session's lock, and before a session takes the id again: the records are keyed by
   * the id, whichever session holds it.
   */
  async finish(id: SessionId): Promise<number> {
    const pending = await this.unpurgedIds();
    if (!pending.has(id)) return 0;
    let finished = 0;
    for (const [key, rec] of await this.deletions()) {
      if (rec.purged || rec.sessionId !== id) continue;
      await this.purge(key, rec);
      finished++;
    }
    pending.delete(id);
    return finished;
  }

  private unpurgedIds(): Promise<Set<SessionId>> {
    this.unpurged ??= this.deletions().then(
      (all) => new Set(all.filter(([, rec]) => !rec.purged).map(([, rec]) => rec.sessionId)),
      (e: unknown) => {
        this.unpurged = undefined;
        throw e;
      },
    );
    return this.unpurged;
  }

  async listDeletions(): Promise<DeletionRecord[]> {
    return (await this.deletions()).map(([, { purged: _p, ...rec }]) => rec);
  }

  private async deletions(): Promise<[string, StoredDeletion][]> {
    const out: [string, StoredDeletion][] = [];
    for await (const [k, raw] of this.ctx.prefix(keys.deletionPrefix, { reverse: true })) {
      const { value } = await this.ctx.decodeOrQuarantine<StoredDeletion>(k, raw as Uint8Array);
      if (value) out.push([k, value]);
    }
    return out;
  }

  private async purge(dKey: string, record: StoredDeletion): Promise<DeletionRecord> {
    const sid = record.sessionId;
    const prefixes = [keys.eventPrefix(sid), keys.digestPrefix(sid), keys.snapshotPrefix(sid), keys.effectPrefix(sid)];
    for (const prefix of prefixes) await this.deleteRange(prefix);
    /** The span of the blobs freed (content-addressed: spread over the table), to compact. */
    let lo: string | undefined;
    let hi: string | undefined;
    let freed = record.blobsFreed;
    for (;;) {
      const owned: string[] = [];
      for await (const [k] of this.ctx.prefix(keys.ownedPrefix(sid), { values: false, limit: CHUNK })) owned.push(k);
      if (owned.length === 0) break;
      for (const k of owned) {
        // The owned key and the count so far go in the batch that frees the blob: a crash loses neither.
        const progress = (n: number): BatchOp[] => [
          { type: 'del', key: k },
          { type: 'put', key: dKey, value: this.ctx.encodeJson({ ...record, blobsFreed: freed + n }) },
        ];
        const hash = k.slice(k.lastIndexOf('!') + 1) as BlobHash;
        const got = await this.blobs.release(sid, hash, progress);
        freed += got;
        if (got > 0) [lo, hi] = [lo === undefined || hash < lo ? hash : lo, hi === undefined || hash > hi ? hash : hi];
      }
    }
    const done: StoredDeletion = { ...record, blobsFreed: freed, purged: true };
    await this.ctx.write([{ type: 'put', key: dKey, value: this.ctx.encodeJson(done) }], 'recording a deletion');
    // The deleted records' space goes back to the disk soon (in the background), not at some compaction that may never come.
    const ranges = [...prefixes, keys.ownedPrefix(sid)].map((p) => [p, p + END] as const);
    if (lo !== undefined && hi !== undefined) ranges.push([keys.blob(lo as BlobHash), keys.blob(hi as BlobHash)], [keys.refPrefix(lo as BlobHash), keys.refPrefix(hi as BlobHash) + END]);
    this.ctx.compactSoon(ranges);
    const { purged: _p, ...out } = done;
    return out;
  }

  private async deleteRange(prefix: string): Promise<void> {
    for (;;) {
      const ops: BatchOp[] = [];
      for await (const [k] of this.ctx.prefix(prefix, { values: false, limit: CHUNK })) ops.push({ type: 'del', key: k });
      if (ops.length === 0) return;
      await this.ctx.write(ops, 'purging a deleted session');
    }
  }
}
