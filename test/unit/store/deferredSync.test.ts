import assert from 'node:assert/strict';
import { MemoryLevel } from 'memory-level';
import { RecordCodec } from '../../../src/core/store/codec';
import { type BatchOp, type Db, MAX_DEFERRED_BYTES, StoreContext } from '../../../src/core/store/storeContext';

interface Written {
  keys: string[];
  sync: boolean;
}

/** A StoreContext on memory-level whose batches are recorded as LevelDB would receive them (keys in order, sync flag). */
async function recorded(o: { syncWrites?: boolean; failSynced?: () => boolean } = {}) {
  const db = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  const written: Written[] = [];
  const batch = db.batch.bind(db) as () => ReturnType<typeof db.batch>;
  (db as unknown as { batch: unknown }).batch = (...args: unknown[]) => {
    if (args.length) return (db.batch as unknown as (...a: unknown[]) => unknown).call(db, ...args);
    const b = batch();
    const keys: string[] = [];
    const put = b.put.bind(b);
    const del = b.del.bind(b);
    const write = b.write.bind(b);
    b.put = (k: string, v: Uint8Array) => (keys.push(k), put(k, v));
    b.del = (k: string) => (keys.push(`-${k}`), del(k));
    b.write = (async (options?: { sync?: boolean }) => {
      if (options?.sync && o.failSynced?.()) throw new Error('disk full');
      await write();
      written.push({ keys, sync: options?.sync === true });
    }) as typeof b.write;
    return b;
  };
  const ctx = new StoreContext({ db: db as unknown as Db, codec: new RecordCodec({ compressMin: 0 }), readOnly: false, syncWrites: o.syncWrites ?? true, now: Date.now });
  return { db, ctx, written };
}

const put = (key: string, size = 1): BatchOp => ({ type: 'put', key, value: new Uint8Array(size) });

describe('StoreContext: deferred batches are repeated in the next synced one', () => {
  it('a synced batch carries every deferred batch since the last synced one, in order, before its own operations', async () => {
    const { db, ctx, written } = await recorded();
    await ctx.write([put('a1'), { type: 'del', key: 'gone' }], 'result a', true);
    await ctx.write([put('b1')], 'result b', true);
    assert.equal(ctx.deferredCount, 2);
    await ctx.write([put('c1'), put('a1')], 'intent c');
    await ctx.write([put('d1')], 'intent d');
    assert.deepEqual(written, [
      { keys: ['a1', '-gone'], sync: false },
      { keys: ['b1'], sync: false },
      // If the log that holds a and b is lost with a power loss (LevelDB closes it unsynced when it starts a new one), c brings them back.
      { keys: ['a1', '-gone', 'b1', 'c1', 'a1'], sync: true },
      { keys: ['d1'], sync: true },
    ]);
    assert.equal(ctx.deferredCount, 0);
    assert.deepEqual(await db.keys().all(), ['a1', 'b1', 'c1', 'd1'], 'repeating changes nothing: the same operations in the same order');
  });

  it('past MAX_DEFERRED_BYTES waiting, a deferred batch is synced (with those waiting)', async () => {
    const { ctx, written } = await recorded();
    await ctx.write([put('big', MAX_DEFERRED_BYTES - 100)], 'big result', true);
    await ctx.write([put('small', 50)], 'small result', true);
    await ctx.write([put('more', 100)], 'one more', true);
    assert.deepEqual(written.map((w) => [w.keys, w.sync]), [[['big'], false], [['small'], false], [['big', 'small', 'more'], true]]);
    assert.equal(ctx.deferredCount, 0);
  });

  it('a synced batch that fails leaves the deferred ones waiting for the next; a failed deferred one is not repeated', async () => {
    let fail = true;
    const { ctx, written } = await recorded({ failSynced: () => fail });
    await ctx.write([put('r1')], 'result', true);
    await assert.rejects(ctx.write([put('i1')], 'intent'), /disk full/);
    assert.equal(ctx.deferredCount, 1);
    fail = false;
    await ctx.write([put('i2')], 'intent again');
    assert.deepEqual(written.map((w) => [w.keys, w.sync]), [[['r1'], false], [['r1', 'i2'], true]]);

    const broken = await recorded();
    const original = broken.db.batch.bind(broken.db);
    let calls = 0;
    (broken.db as unknown as { batch: unknown }).batch = (...args: unknown[]) => {
      const b = (original as (...a: unknown[]) => ReturnType<typeof broken.db.batch>)(...args);
      if (calls++ === 0) b.write = (async () => Promise.reject(new Error('io'))) as typeof b.write;
      return b;
    };
    await assert.rejects(broken.ctx.write([put('lost')], 'result', true), /io/);
    assert.equal(broken.ctx.deferredCount, 0, 'a batch that was not written is not repeated later');
  });

  it('without syncWrites nothing is synced, so nothing is held or repeated', async () => {
    const { ctx, written } = await recorded({ syncWrites: false });
    await ctx.write([put('a')], 'result', true);
    await ctx.write([put('b')], 'intent');
    assert.deepEqual(written.map((w) => [w.keys, w.sync]), [[['a'], false], [['b'], false]]);
    assert.equal(ctx.deferredCount, 0);
  });
});
