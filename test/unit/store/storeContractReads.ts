import assert from 'node:assert/strict';
import { RecordCodec } from '../../../src/core/store/codec';
import { StoreError } from '../../../src/core/store/errors';
import { END, keys } from '../../../src/core/store/keys';
import type { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import type { BlobHash } from '../../../src/core/store/types';
import { bytes, collect, editLines, sourceFile, stepCommit, text } from '../builders';
import type { HarnessOptions, StoreHarness } from './storeContract';

interface Live {
  h: StoreHarness;
  store: LevelCheckpointStore;
  reopen: (o?: HarnessOptions) => Promise<LevelCheckpointStore>;
}

async function rawKeys(h: StoreHarness, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of h.db().keys({ gte: prefix, lt: prefix + END })) out.push(k);
  return out;
}

/** Batched blob reads, the session listing index and snapshot pruning. */
export function defineStoreContractReads(live: () => Live): void {
  it('reads many blobs at once, in the order asked, through delta chains and after reopen', async () => {
    let store = live().store;
    const s = await store.createSession({ title: 't' });
    let src = sourceFile(5);
    const versions = [src];
    let [prev] = await store.putBlobs(s.id, [{ content: bytes(src) }]);
    const hashes: BlobHash[] = [prev!];
    let head = 0;
    for (let i = 1; i <= 12; i++) {
      src = editLines(src, 20 + i * 11, 2, `g${i}`);
      versions.push(src);
      const message = bytes(`message ${i} `.repeat(50));
      const r = await store.commit(stepCommit(s.id, i, head, { blobs: [{ content: bytes(src), deltaBase: prev! }, { content: message }] }));
      head = r.headSeq;
      prev = r.blobHashes[0]!;
      hashes.push(prev, r.blobHashes[1]!);
    }
    const check = async (label: string) => {
      const asked = [...hashes].reverse().concat(hashes[1]!);
      const got = await store.getBlobs(asked);
      assert.equal(got.length, asked.length, label);
      for (let i = 0; i < asked.length; i++) {
        assert.deepEqual(Buffer.from(got[i]!), Buffer.from(await store.getBlob(asked[i]!)), `${label}: blob ${i}`);
      }
      assert.equal(text(got[0]!), 'message 12 '.repeat(50), label);
      assert.equal(text(got[1]!), versions[12], label);
      assert.equal(text(got.at(-1)!), versions[1], `${label}: duplicates are answered too`);
      // findBlobs: the same reads, with undefined for a blob the store does not have.
      const found = await store.findBlobs([asked[1]!, 'ab'.repeat(32) as BlobHash, asked[0]!, asked[1]!]);
      assert.deepEqual(found.map((b) => b && text(b)), [versions[12], undefined, 'message 12 '.repeat(50), versions[12]], label);
    };
    await check('same process');
    store = await live().reopen();
    await check('after reopen, nothing cached');
    assert.deepEqual(await store.getBlobs([]), []);
    assert.deepEqual(await store.findBlobs([]), []);
    await assert.rejects(store.findBlobs(['not a hash' as BlobHash]), (e: unknown) => StoreError.is(e, 'INVALID_ARGUMENT'));
  });

  it('a version that does not rebuild to its hash names the damaged record down its chain, and quarantines a damaged base', async () => {
    let store = live().store;
    const s = await store.createSession({ title: 't' });
    let src = sourceFile(7);
    const versions = [src];
    const [base] = await store.putBlobs(s.id, [{ content: bytes(src) }]);
    const chain: BlobHash[] = [base!];
    let head = 0;
    for (let i = 1; i <= 4; i++) {
      src = editLines(src, 10 + i * 7, 1, `v${i}`);
      versions.push(src);
      const r = await store.commit(stepCommit(s.id, i, head, { blobs: [{ content: bytes(src), deltaBase: chain.at(-1)! }] }));
      head = r.headSeq;
      chain.push(r.blobHashes[0]!);
    }
    // A record whose frame is sound (its checksum matches) but whose contents are wrong: only the hash can tell.
    const codec = new RecordCodec({ compressMin: 0 });
    const rewrite = async (hash: BlobHash) => {
      const payload = Buffer.from(codec.decode((await live().h.db().get(keys.blob(hash))) as Uint8Array));
      payload.writeUInt8(payload.readUInt8(payload.length - 1) ^ 0x20, payload.length - 1);
      await live().h.db().put(keys.blob(hash), codec.encode(payload));
    };
    await rewrite(chain[2]!);
    store = await live().reopen();
    await assert.rejects(store.getBlob(chain[4]!), (e) => StoreError.is(e, 'CORRUPT') && e.message.includes(`blob ${chain[2]} does not match its hash after applying its delta`));
    await assert.rejects(store.getBlob(chain[2]!), (e) => StoreError.is(e, 'CORRUPT'));
    assert.equal(text(await store.getBlob(chain[1]!)), versions[1], 'a version below the damage still reads');
    await rewrite(chain[0]!);
    store = await live().reopen();
    await assert.rejects(store.getBlob(chain[1]!), (e) => StoreError.is(e, 'CORRUPT') && e.message.includes(`blob ${chain[0]} does not match its hash`));
    assert.ok((await store.listQuarantine()).some((q) => q.key === keys.blob(chain[0]!)), 'the damaged base is quarantined');
  });

  it('getBlobs fails as a whole on a missing blob or a malformed hash', async () => {
    const store = live().store;
    const s = await store.createSession({ title: 't' });
    const [h] = await store.putBlobs(s.id, [{ content: bytes(sourceFile(6)) }]);
    await assert.rejects(store.getBlobs([h!, 'f'.repeat(64) as BlobHash]), (e) => StoreError.is(e, 'BLOB_NOT_FOUND'));
    await assert.rejects(store.getBlobs([h!, 'nope' as BlobHash]), (e) => StoreError.is(e, 'INVALID_ARGUMENT'));
  });

  it('gives no cursor when the sessions fit the page exactly', async () => {
    const store = live().store;
    for (let i = 0; i < 3; i++) await store.createSession({ title: `s${i}` });
    const page = await store.listSessions({ limit: 3 });
    assert.equal(page.sessions.length, 3);
    assert.equal(page.cursor, undefined, 'a cursor here would lead to an empty page');
    const p1 = await store.listSessions({ limit: 2 });
    assert.ok(p1.cursor);
    const p2 = await store.listSessions({ limit: 2, cursor: p1.cursor });
    assert.deepEqual(p2.sessions.length, 1);
    assert.equal(p2.cursor, undefined);
  });

  it('lists the current index rows, and still lists sessions indexed before rows were copied into the index', async () => {
    const { h } = live();
    let t = 5_000;
    let store = await live().reopen({ syncWrites: false, now: () => t });
    const a = await store.createSession({ title: 'a' });
    t += 10;
    const b = await store.createSession({ title: 'b' });
    t += 10;
    await store.commit(stepCommit(a.id, 1, 0, { summary: { stepCount: 1, title: 'a renamed' } }));
    // The layout of older stores: an empty value under the by-update key.
    await h.db().put(keys.updated(5_010, b.id), new Uint8Array(0));
    store = await live().reopen({ syncWrites: false, now: () => t });
    const listed = (await store.listSessions()).sessions;
    assert.deepEqual(listed.map((s) => [s.title, s.stepCount]), [['a renamed', 1], ['b', 0]]);
    assert.deepEqual(listed, [await store.getSession(a.id), await store.getSession(b.id)]);
  });

  it('recovers a session whose index row is damaged from its copy in the listing index', async () => {
    const { h } = live();
    let store = live().store;
    const s = await store.createSession({ title: 'precious' });
    await store.commit(stepCommit(s.id, 1, 0));
    await h.db().put(keys.session(s.id), Buffer.from('not a record'));
    store = await live().reopen();
    const got = await store.getSession(s.id);
    assert.equal(got?.title, 'precious');
    assert.equal(got?.headSeq, 2);
    assert.equal((await store.listQuarantine())[0]?.key, keys.session(s.id), 'the damage is reported');
    store = await live().reopen();
    assert.equal((await store.getSession(s.id))?.headSeq, 2, 'the row was put back');
    assert.equal((await collect((await store.loadSession(s.id)).tail)).length, 2);
  });

  it('keeps only the latest two snapshots of a session', async () => {
    const { h } = live();
    const store = await live().reopen({ syncWrites: false, snapshotEvery: 4 });
    const s = await store.createSession({ title: 't' });
    const other = await store.createSession({ title: 'other' });
    let head = 0;
    let otherHead = 0;
    for (let step = 1; step <= 10; step++) {
      head = (await store.commit(stepCommit(s.id, step, head, { snapshot: () => ({ step }) }))).headSeq;
      if (step <= 4) otherHead = (await store.commit(stepCommit(other.id, step, otherHead, { snapshot: () => ({ step }) }))).headSeq;
    }
    assert.deepEqual(await rawKeys(h, keys.snapshotPrefix(s.id)), [keys.snapshot(s.id, 16), keys.snapshot(s.id, 20)]);
    assert.deepEqual(await rawKeys(h, keys.snapshotPrefix(other.id)), [keys.snapshot(other.id, 4), keys.snapshot(other.id, 8)]);
    const load = await store.loadSession<{ step: number }>(s.id);
    assert.deepEqual(load.snapshot, { seq: 20, state: { step: 10 } });
    assert.deepEqual(await collect(load.tail), []);
  });
}
