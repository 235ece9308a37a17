import assert from 'node:assert/strict';
import { MAX_DELTA_DEPTH } from '../../../src/core/store/blobFormat';
import { StoreError } from '../../../src/core/store/errors';
import type { LevelCheckpointStore, LevelStoreOptions } from '../../../src/core/store/levelCheckpointStore';
import type { Db } from '../../../src/core/store/storeContext';
import type { SessionId } from '../../../src/core/store/types';
import { bytes, collect, editLines, sourceFile, stepCommit, text } from '../builders';
import { defineStoreContractMore } from './storeContractMore';
import { defineStoreContractReads } from './storeContractReads';

export type HarnessOptions = Omit<LevelStoreOptions, 'db'>;

/**
 * How a backend is plugged into the contract suite (the idea of LangGraph's checkpoint-validation):
 * `open` opens (or reopens) the SAME storage each time; `db` is the raw database of the open store.
 */
export interface StoreHarness {
  open(options?: HarnessOptions): Promise<LevelCheckpointStore>;
  db(): Db;
  destroy(): Promise<void>;
}

export function defineStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`CheckpointStore contract: ${name}`, function () {
    let h: StoreHarness;
    let store: LevelCheckpointStore;

    beforeEach(async () => {
      h = await makeHarness();
      store = await h.open({ syncWrites: false });
    });
    afterEach(async () => {
      await store.close();
      await h.destroy();
    });

    const reopen = async (options: HarnessOptions = { syncWrites: false }) => {
      await store.close();
      store = await h.open(options);
      return store;
    };

    it('gives the workspace a stable id of its own', async () => {
      const id = store.workspaceId;
      assert.match(id, /^[0-9A-Z]{26}$/);
      await reopen();
      assert.equal(store.workspaceId, id);
    });

    it('creates sessions with time-sortable ids and lists them', async () => {
      const a = await store.createSession({ title: 'first' });
      const b = await store.createSession({ title: 'second' });
      assert.ok(a.id < b.id, 'ULIDs sort by creation');
      assert.equal(a.status, 'running');
      assert.deepEqual((await store.getSession(a.id))?.title, 'first');
      const ids = (await store.listSessions()).sessions.map((s) => s.id);
      assert.deepEqual(new Set(ids), new Set([a.id, b.id]));
    });

    it('rejects bad session ids and unknown sessions with typed errors', async () => {
      await assert.rejects(store.createSession({ title: 'x', id: 'a!b' as SessionId }), (e) => StoreError.is(e, 'INVALID_ARGUMENT'));
      await assert.rejects(
        store.commit(stepCommit('nope' as SessionId, 1, 0)),
        (e) => StoreError.is(e, 'SESSION_NOT_FOUND'),
      );
    });

    it('appends steps with monotonic seqs and reads them back after reopen', async () => {
      const s = await store.createSession({ title: 't' });
      let head = 0;
      for (let step = 1; step <= 5; step++) {
        const r = await store.commit(stepCommit(s.id, step, head));
        assert.equal(r.headSeq, head + 2);
        head = r.headSeq;
      }
      await reopen();
      const events = await collect(store.readEvents(s.id));
      assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.deepEqual(events.map((e) => e.step), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
      assert.equal((events[9]?.data as { role: string }).role, 'user');
      const summary = await store.getSession(s.id);
      assert.equal(summary?.headSeq, 10);
      assert.equal(summary?.stepCount, 5);
      assert.ok((summary?.sizeBytes ?? 0) > 0);
      const middle = await collect(store.readEvents(s.id, { fromSeq: 4, toSeq: 6 }));
      assert.deepEqual(middle.map((e) => e.seq), [4, 5, 6]);
      const last = await collect(store.readEvents(s.id, { reverse: true, limit: 1 }));
      assert.equal(last[0]?.seq, 10);
    });

    it('refuses a commit with a stale head and writes nothing of it', async () => {
      const s = await store.createSession({ title: 't' });
      await store.commit(stepCommit(s.id, 1, 0));
      await assert.rejects(store.commit(stepCommit(s.id, 2, 0)), (e) => StoreError.is(e, 'HEAD_MISMATCH'));
      assert.equal((await store.getSession(s.id))?.headSeq, 2);
      assert.equal((await collect(store.readEvents(s.id))).length, 2);
    });

    it('serialises concurrent commits to one session: exactly one of two racing writers wins', async () => {
      const s = await store.createSession({ title: 't' });
      const results = await Promise.allSettled([store.commit(stepCommit(s.id, 1, 0)), store.commit(stepCommit(s.id, 1, 0))]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal((await collect(store.readEvents(s.id))).length, 2);
    });

    it('snapshots by policy, and resume = latest snapshot + replay of the tail', async () => {
      await reopen({ syncWrites: false, snapshotEvery: 4 });
      const s = await store.createSession({ title: 't' });
      let head = 0;
      let thunkCalls = 0;
      for (let step = 1; step <= 7; step++) {
        const r = await store.commit(
          stepCommit(s.id, step, head, { snapshot: () => (thunkCalls++, { upTo: step }) }),
        );
        head = r.headSeq;
      }
      assert.equal(thunkCalls, 3, 'called only at seq 4, 8 and 12');
      const load = await store.loadSession<{ upTo: number }>(s.id);
      assert.deepEqual(load.snapshot, { seq: 12, state: { upTo: 6 } });
      const tail = await collect(load.tail);
      assert.deepEqual(tail.map((e) => e.seq), [13, 14]);
      assert.equal(load.damage(), undefined);
      const forced = await store.commit(stepCommit(s.id, 8, head, { snapshot: () => ({ upTo: 8 }), forceSnapshot: true }));
      assert.equal(forced.snapshotWritten, true);
      assert.equal((await store.loadSession(s.id)).snapshot?.seq, 16);
    });

    it('deduplicates blobs across steps and sessions', async () => {
      const a = await store.createSession({ title: 'a' });
      const b = await store.createSession({ title: 'b' });
      const content = bytes(sourceFile(1));
      const r1 = await store.commit(stepCommit(a.id, 1, 0, { blobs: [{ content }, { content }] }));
      const r2 = await store.commit(stepCommit(b.id, 1, 0, { blobs: [{ content }] }));
      assert.equal(r1.blobHashes[0], r1.blobHashes[1]);
      assert.equal(r1.blobHashes[0], r2.blobHashes[0]);
      assert.ok(r2.bytesWritten < content.length, 'the second session did not write the content again');
      assert.equal(text(await store.getBlob(r1.blobHashes[0]!)), sourceFile(1));
    });

    it('deflates a large file version (64 KB and more), not the small records of every step', async () => {
      const s = await store.createSession({ title: 't' });
      const large = bytes(Array.from({ length: 24 }, (_, i) => sourceFile(i)).join(''));
      assert.ok(large.length >= 64 * 1024);
      const big = await store.commit(stepCommit(s.id, 1, 0, { blobs: [{ content: large }] }));
      assert.ok(big.bytesWritten < large.length / 2, `${big.bytesWritten} bytes for ${large.length}`);
      const small = bytes(sourceFile(99));
      const step = await store.commit(stepCommit(s.id, 2, big.headSeq, { blobs: [{ content: small }] }));
      assert.ok(step.bytesWritten > small.length, `a ${small.length}-byte version is stored as is (${step.bytesWritten} bytes with its event)`);
      await reopen();
      assert.ok(Buffer.from(await store.getBlob(big.blobHashes[0]!)).equals(Buffer.from(large)));
    });

    it('keeps file versions as deltas, byte-exact through long chains and after reopen', async () => {
      const s = await store.createSession({ title: 't' });
      let src = sourceFile(2);
      const versions = [src];
      let [prev] = await store.putBlobs(s.id, [{ content: bytes(src) }]);
      const hashes = [prev!];
      let head = 0;
      const full: number[] = [];
      for (let i = 1; i <= 60; i++) {
        src = editLines(src, 10 + ((i * 37) % 180), 3, String(i));
        versions.push(src);
        const r = await store.commit(stepCommit(s.id, i, head, { blobs: [{ content: bytes(src), deltaBase: prev! }] }));
        head = r.headSeq;
        prev = r.blobHashes[0]!;
        hashes.push(prev);
        // A 3-line edit costs little, except where the chain reaches its depth and a whole version starts the next one.
        if (r.bytesWritten >= 2000) full.push(i);
      }
      assert.deepEqual(full, [MAX_DELTA_DEPTH + 1, 2 * (MAX_DELTA_DEPTH + 1)], 'every version but one in MAX_DELTA_DEPTH + 1 is a delta');
      await reopen();
      for (let i = 0; i < versions.length; i += 7) assert.equal(text(await store.getBlob(hashes[i]!)), versions[i]);
      assert.equal(text(await store.getBlob(hashes[60]!)), versions[60]);
      await assert.rejects(store.getBlob('0'.repeat(64) as never), (e) => StoreError.is(e, 'BLOB_NOT_FOUND'));
      assert.equal(await store.hasBlob(hashes[30]!), true);
    });

    it('records effect intents and results keyed by (session, step, action)', async () => {
      const s = await store.createSession({ title: 't' });
      const intent = { tool: 'write_file', path: 'a.ts', beforeHash: 'x' };
      await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events: [], effects: [{ step: 3, actionId: 'toolu_1', phase: 'intent', data: intent }] });
      const half = await store.getEffect(s.id, 3, 'toolu_1');
      assert.deepEqual(half?.intent?.data, intent);
      assert.equal(half?.result, undefined);
      await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events: [], effects: [{ step: 3, actionId: 'toolu_1', phase: 'result', data: { ok: true } }] });
      await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events: [], effects: [{ step: 2, actionId: 'toolu_0', phase: 'intent', data: {} }] });
      await reopen();
      assert.deepEqual((await store.getEffect(s.id, 3, 'toolu_1'))?.result?.data, { ok: true });
      assert.equal(await store.getEffect(s.id, 3, 'toolu_9'), undefined);
      const all = await store.listEffects(s.id);
      assert.deepEqual(all.map((e) => [e.step, e.actionId, !!e.intent, !!e.result]), [[2, 'toolu_0', true, false], [3, 'toolu_1', true, true]]);
      assert.equal((await store.listEffects(s.id, 3)).length, 1);
    });

    it('lists sessions by last update, newest first, in pages', async () => {
      let t = 1_000;
      await reopen({ syncWrites: false, now: () => t });
      const ids: SessionId[] = [];
      for (let i = 0; i < 7; i++) {
        t += 10;
        ids.push((await store.createSession({ title: `s${i}` })).id);
      }
      t += 10;
      await store.commit(stepCommit(ids[2]!, 1, 0));
      const p1 = await store.listSessions({ limit: 3 });
      assert.deepEqual(p1.sessions.map((s) => s.title), ['s2', 's6', 's5']);
      const p2 = await store.listSessions({ limit: 3, cursor: p1.cursor! });
      assert.deepEqual(p2.sessions.map((s) => s.title), ['s4', 's3', 's1']);
      const p3 = await store.listSessions({ limit: 3, cursor: p2.cursor! });
      assert.deepEqual(p3.sessions.map((s) => s.title), ['s0']);
      assert.equal(p3.cursor, undefined);
    });

    defineStoreContractMore(() => ({ h, store, reopen }));
    defineStoreContractReads(() => ({ h, store, reopen }));
  });
}
