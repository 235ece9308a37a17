import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { RecordCodec } from '../../../src/core/store/codec';
import { StoreError } from '../../../src/core/store/errors';
import { type Db, StoreContext } from '../../../src/core/store/storeContext';

type Entries = [string, Uint8Array][];

interface Probe {
  /** nextv calls so far, and how many the caller had received when each was made. */
  calls: number[];
  received: number;
  /** The nextv call (1-based) that rejects, if any. */
  failAt?: number;
}

/** A StoreContext on a real LevelDB whose iterators report their nextv calls (and can fail one). */
async function probed(dir: string, probe: Probe) {
  const db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  const iterator = db.iterator.bind(db) as (o: unknown) => { nextv: (n: number) => Promise<Entries> };
  (db as unknown as { iterator: unknown }).iterator = (o: unknown) => {
    const it = iterator(o);
    const nextv = it.nextv.bind(it);
    it.nextv = async (n: number) => {
      probe.calls.push(probe.received);
      if (probe.calls.length === probe.failAt) {
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('simulated read failure');
      }
      return nextv(n);
    };
    return it;
  };
  const ctx = new StoreContext({ db: db as unknown as Db, codec: new RecordCodec({ compressMin: 0 }), readOnly: false, syncWrites: false, now: Date.now });
  const keys = Array.from({ length: 1000 }, (_, i) => `k!${String(i).padStart(4, '0')}`);
  await ctx.write(
    keys.map((key, i) => ({ type: 'put' as const, key, value: new Uint8Array([i & 255]) })),
    'filling',
  );
  return { db, ctx, keys };
}

describe('StoreContext.rangeBatches: the next batch is read while the caller works on this one', () => {
  let dir: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'savepoint-range-'));
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands over every entry in order, both ways, and asks for each batch before the caller has the previous one back', async () => {
    const probe: Probe = { calls: [], received: 0 };
    const { db, ctx, keys } = await probed(dir, probe);
    for (const reverse of [false, true]) {
      probe.calls = [];
      probe.received = 0;
      const seen: string[] = [];
      for await (const batch of ctx.rangeBatches('k!', 'k!~', { reverse })) {
        assert.ok(batch.length <= 256);
        // By the time a batch arrives here, the one after it has been asked for.
        assert.equal(probe.calls.length, probe.received + 2, `reverse=${reverse}: batch ${probe.received + 1} arrived before the next was asked for`);
        probe.received++;
        for (const [k] of batch) seen.push(k);
      }
      assert.deepEqual(seen, reverse ? [...keys].reverse() : keys);
      // 1,000 entries in batches of 256, then the empty one that ends the range.
      assert.deepEqual(probe.calls, [0, 0, 1, 2, 3]);
    }
    await db.close();
  });

  it('a caller that stops early, with the next batch already asked for: the iterator and the database close, and nothing is left unhandled', async () => {
    const probe: Probe = { calls: [], received: 0 };
    const { db, ctx } = await probed(dir, probe);
    let got = 0;
    for await (const batch of ctx.rangeBatches('k!', 'k!~')) {
      got += batch.length;
      break;
    }
    assert.equal(got, 256);
    assert.equal(probe.calls.length, 2);
    await db.close();
    assert.equal(db.status, 'closed');
    assert.deepEqual(unhandled, []);
  });

  it('a failed read surfaces as a StoreError where the caller asks for that batch; one the caller never asks for is not an unhandled rejection', async () => {
    const failing: Probe = { calls: [], received: 0, failAt: 2 };
    const { db, ctx } = await probed(dir, failing);
    let batches = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of ctx.rangeBatches('k!', 'k!~')) batches++;
      })(),
      (e: unknown) => e instanceof StoreError && /reading k!/.test(e.message),
    );
    assert.equal(batches, 1);
    // The second read fails while a caller that stopped after the first no longer waits for it.
    failing.calls = [];
    for await (const _ of ctx.rangeBatches('k!', 'k!~')) break;
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(unhandled, []);
    await db.close();
  });
});
