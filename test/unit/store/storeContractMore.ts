import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RecordCodec } from '../../../src/core/store/codec';
import { StoreError } from '../../../src/core/store/errors';
import { keys } from '../../../src/core/store/keys';
import type { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import type { QuarantineNotice } from '../../../src/core/store/types';
import { bytes, collect, sourceFile, stepCommit, text } from '../builders';
import type { HarnessOptions, StoreHarness } from './storeContract';

interface Live {
  h: StoreHarness;
  store: LevelCheckpointStore;
  reopen: (o?: HarnessOptions) => Promise<LevelCheckpointStore>;
}

/** Failure handling, encryption and retention parts of the contract. */
export function defineStoreContractMore(live: () => Live): void {
  it('writes nothing of a step whose batch fails (disk full), and stays usable', async () => {
    const { h, store } = live();
    const s = await store.createSession({ title: 't' });
    await store.commit(stepCommit(s.id, 1, 0));
    const db = h.db();
    const realBatch = db.batch.bind(db);
    const fault = () => Object.assign(new Error('IO error: /x/000005.log: No space left on device'), { code: 'LEVEL_IO_ERROR' });
    // Both forms fail as LevelDB does on a full disk: the array form, and a chained batch's write.
    (db as { batch: unknown }).batch = (...args: unknown[]) => {
      if (args.length) return Promise.reject(fault());
      const batch = realBatch();
      batch.write = async () => {
        await batch.close();
        throw fault();
      };
      return batch;
    };
    const content = bytes(sourceFile(9));
    await assert.rejects(store.commit(stepCommit(s.id, 2, 2, { blobs: [{ content }] })), (e) => StoreError.is(e, 'DISK_FULL'));
    (db as { batch: unknown }).batch = realBatch;
    assert.equal((await store.getSession(s.id))?.headSeq, 2);
    assert.equal((await collect(store.readEvents(s.id))).length, 2);
    const r = await store.commit(stepCommit(s.id, 2, 2, { blobs: [{ content }] }));
    assert.equal(r.headSeq, 4);
    assert.equal(text(await store.getBlob(r.blobHashes[0]!)), sourceFile(9), 'the blob was written by the retry, not skipped as cached');
  });

  it('quarantines a damaged event and resumes from the last valid snapshot and events', async () => {
    const { h } = live();
    const store = await live().reopen({ syncWrites: false, snapshotEvery: 4 });
    const s = await store.createSession({ title: 't' });
    let head = 0;
    for (let step = 1; step <= 7; step++) head = (await store.commit(stepCommit(s.id, step, head, { snapshot: () => ({ step }) }))).headSeq;
    const heard: QuarantineNotice[] = [];
    store.onQuarantine((n) => heard.push(n));
    const bad = Buffer.from((await h.db().get(keys.event(s.id, 14))) as Uint8Array);
    bad.writeUInt8(bad.readUInt8(bad.length - 3) ^ 0x55, bad.length - 3);
    await h.db().put(keys.event(s.id, 14), bad);
    const load = await store.loadSession(s.id);
    assert.equal(load.snapshot?.seq, 12);
    const tail = await collect(load.tail);
    assert.deepEqual(tail.map((e) => e.seq), [13]);
    assert.equal(load.damage()?.lastValidSeq, 13);
    assert.match(load.damage()?.notices[0]?.reason ?? '', /checksum/);
    assert.equal(heard.length, 1);
    assert.equal(heard[0]?.sessionId, s.id);
    assert.equal(await h.db().get(keys.event(s.id, 14)), undefined, 'moved out of the journal');
    const q = await store.listQuarantine();
    assert.equal(q[0]?.key, keys.event(s.id, 14));
    const again = await store.loadSession(s.id);
    await collect(again.tail);
    assert.match(again.damage()?.notices.at(-1)?.reason ?? '', /missing/, 'the hole is reported on every load, never silent');
  });

  it('falls back to an older snapshot when the latest one is damaged', async () => {
    const { h } = live();
    const store = await live().reopen({ syncWrites: false, snapshotEvery: 4 });
    const s = await store.createSession({ title: 't' });
    let head = 0;
    for (let step = 1; step <= 6; step++) head = (await store.commit(stepCommit(s.id, step, head, { snapshot: () => ({ step }) }))).headSeq;
    await h.db().put(keys.snapshot(s.id, 12), Buffer.from('garbage that is not a record'));
    const load = await store.loadSession<{ step: number }>(s.id);
    assert.deepEqual(load.snapshot, { seq: 8, state: { step: 4 } });
    assert.deepEqual((await collect(load.tail)).map((e) => e.seq), [9, 10, 11, 12]);
    assert.equal(load.damage()?.lastValidSeq, 12, 'all events are there; only the snapshot was lost');
  });

  it('refuses a store written by a newer schema and leaves it untouched', async () => {
    const { h, store } = live();
    const s = await store.createSession({ title: 't' });
    const newer = new RecordCodec({ compressMin: 0 }).encode(bytes(JSON.stringify({ version: 99 })));
    await h.db().put(keys.meta('schema'), newer);
    await store.close();
    await assert.rejects(h.open({ syncWrites: false }), (e) => StoreError.is(e, 'SCHEMA_UNSUPPORTED') && /newer Savepoint/.test(e.message));
    const raw = h.db();
    if (raw.status !== 'open') await raw.open();
    assert.deepEqual(Buffer.from((await raw.get(keys.meta('schema')))!), newer);
    assert.notEqual(await raw.get(keys.session(s.id)), undefined);
    await raw.close();
  });

  it('encrypts records at rest with AES-256-GCM when given a key', async () => {
    const { h } = live();
    const key = randomBytes(32);
    let store = await live().reopen({ syncWrites: false, encryptionKey: key });
    const s = await store.createSession({ title: 'secret title' });
    const r = await store.commit(stepCommit(s.id, 1, 0, { blobs: [{ content: bytes('API_TOKEN=hunter2 '.repeat(40)) }] }));
    for await (const [k, v] of h.db().iterator()) {
      if (k.startsWith('m!')) continue;
      assert.ok(!Buffer.from(v).toString('latin1').includes('hunter2'), `${k} leaks plaintext`);
      assert.ok(!Buffer.from(v).toString('latin1').includes('secret title'), `${k} leaks plaintext`);
    }
    store = await live().reopen({ syncWrites: false, encryptionKey: key });
    assert.equal((await store.getSession(s.id))?.title, 'secret title');
    assert.match(text(await store.getBlob(r.blobHashes[0]!)), /^API_TOKEN/);
    // Another key, or none, is refused at open: nothing can be written that the store's key would not read.
    await assert.rejects(live().reopen({ syncWrites: false, encryptionKey: randomBytes(32) }), (e) => StoreError.is(e, 'KEY_UNAVAILABLE'));
    await assert.rejects(live().reopen({ syncWrites: false }), (e) => StoreError.is(e, 'KEY_UNAVAILABLE'));
    store = await live().reopen({ syncWrites: false, encryptionKey: key });
    assert.deepEqual(await store.listQuarantine(), [], 'a missing key is not corruption: nothing quarantined');
  });

  it('plans retention over finished, unpinned sessions only', async () => {
    let t = 1_000_000;
    const store = await live().reopen({ syncWrites: false, now: () => t });
    const mk = async (title: string, status: 'completed' | 'running' | 'failed', pinned = false) => {
      t += 1000;
      const s = await store.createSession({ title, pinned });
      return store.updateSession(s.id, { status });
    };
    await mk('old done', 'completed');
    await mk('old pinned', 'completed', true);
    await mk('old running', 'running');
    await mk('mid failed', 'failed');
    await mk('new done', 'completed');
    assert.deepEqual((await store.planRetention({ keepLast: 1 })).map((c) => [c.title, c.reason]), [
      ['mid failed', 'keepLast'],
      ['old done', 'keepLast'],
    ]);
    assert.deepEqual((await store.planRetention({ maxAgeMs: 500 }, t)).map((c) => c.title), ['mid failed', 'old done']);
    assert.deepEqual(await store.planRetention({}), []);
  });

  it('deletes a session with its data, keeps blobs other sessions use, and records the deletion', async () => {
    const store = live().store;
    const a = await store.createSession({ title: 'a' });
    const b = await store.createSession({ title: 'b' });
    const shared = bytes(sourceFile(3));
    const own = bytes(sourceFile(4));
    const ra = await store.commit(stepCommit(a.id, 1, 0, { blobs: [{ content: shared }, { content: own }], effects: [{ step: 1, actionId: 'x', phase: 'intent', data: 1 }] }));
    const owned2 = bytes(sourceFile(4).replace('v4_7 ', 'v4_7x '));
    await store.commit(stepCommit(a.id, 2, 2, { blobs: [{ content: owned2, deltaBase: ra.blobHashes[1]! }] }));
    await store.commit(stepCommit(b.id, 1, 0, { blobs: [{ content: shared }] }));
    await store.updateSession(a.id, { status: 'completed' });
    const rec = await store.deleteSession(a.id, 'user asked');
    assert.equal(rec.blobsFreed, 2, 'its own file version and the delta base under it');
    assert.equal(await store.getSession(a.id), undefined);
    assert.deepEqual((await store.listSessions()).sessions.map((s) => s.id), [b.id]);
    assert.equal(text(await store.getBlob(ra.blobHashes[0]!)), sourceFile(3), 'shared blob survives');
    assert.equal(await store.hasBlob(ra.blobHashes[1]!), false);
    assert.deepEqual(await store.listEffects(a.id), []);
    const deletions = await store.listDeletions();
    assert.deepEqual(deletions.map((d) => [d.sessionId, d.reason]), [[a.id, 'user asked']]);
    assert.equal(await store.vacuum(), 0);
  });
}
