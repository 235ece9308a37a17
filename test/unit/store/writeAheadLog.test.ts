import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { keys } from '../../../src/core/store/keys';
import { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { BatchOp, Db } from '../../../src/core/store/storeContext';
import type { SessionId } from '../../../src/core/store/types';
import { LOG_PREFIX, WriteAheadLog, decodeSegment, encodeRecord, readLog, setLogAside } from '../../../src/core/store/writeAheadLog';
import { FixtureProcess } from '../../fixtures/storeChild';
import { assertWorkloadSteps } from '../../fixtures/storeVerify';
import { EVENTS_PER_STEP, buildStep, hashOf, initialState } from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';
import { logFiles, walSession } from './helpers/walSession';

const SID = 'wal-session' as SessionId;
const { commitSteps } = walSession(SID);
const MAGIC = Buffer.from('SPWAL01\n', 'latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const RECORDS: BatchOp[][] = [
  [
    { type: 'put', key: 'e!a', value: bytes('one') },
    { type: 'put', key: 's!ünïcode', value: new Uint8Array(0) },
  ],
  [{ type: 'del', key: 'e!a' }],
  [{ type: 'put', key: 'b!x', value: new Uint8Array(randomBytes(3000)) }],
];
const segment = (...records: Buffer[]) => Buffer.concat([MAGIC, ...records]);

/** A copy of the store's files (LevelDB's, and the log's when `withLog`), as a crash would leave them. */
async function copyStore(from: string, to: string, withLog: boolean): Promise<void> {
  for (const name of await readdir(from)) {
    if (name === 'LOCK' || (!withLog && name.startsWith(LOG_PREFIX))) continue;
    await copyFile(join(from, name), join(to, name));
  }
}

describe("the store's write-ahead log: segments", () => {
  const tmp = tempDirs('wal-unit');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('gives back every batch in order, whether the file ends after the last record or in the zeros made ahead', () => {
    const records = RECORDS.map((r) => encodeRecord(r));
    for (const tail of [Buffer.alloc(0), Buffer.alloc(4096), Buffer.alloc(3)]) {
      const got = decodeSegment(Buffer.concat([segment(...records), tail]));
      assert.equal(got.end, 'clean');
      assert.deepEqual(got.batches, RECORDS);
    }
  });

  it('a torn last record (cut short, or half written into the zeros) ends the segment quietly; the records before it stay', () => {
    const [a, b, c] = RECORDS.map((r) => encodeRecord(r)) as [Buffer, Buffer, Buffer];
    const cut = decodeSegment(segment(a, b, c.subarray(0, c.length - 100)));
    assert.deepEqual(cut, { batches: RECORDS.slice(0, 2), end: 'torn', clean: MAGIC.length + a.length + b.length });
    const half = Buffer.from(c);
    half.fill(0, 2000);
    const intoZeros = decodeSegment(Buffer.concat([segment(a, b, half), Buffer.alloc(8192)]));
    assert.deepEqual(intoZeros, { batches: RECORDS.slice(0, 2), end: 'torn', clean: MAGIC.length + a.length + b.length });
  });

  it('a damaged record, or a segment cut short before a newer one, is damage: nothing is given to replay, and setting the log aside renames every segment, deleting none', async () => {
    const [a, b, c] = RECORDS.map((r) => encodeRecord(r)) as [Buffer, Buffer, Buffer];
    const bad = Buffer.from(b);
    bad.writeUInt8((bad.at(-1) as number) ^ 0xff, bad.length - 1);
    assert.deepEqual(decodeSegment(segment(a, bad, c)), { batches: RECORDS.slice(0, 1), end: 'damaged', clean: MAGIC.length + a.length });
    const dir = await tmp.make();
    await writeFile(join(dir, `${LOG_PREFIX}000001`), segment(a));
    await writeFile(join(dir, `${LOG_PREFIX}000002`), segment(a, bad, c));
    await writeFile(join(dir, `${LOG_PREFIX}000003`), segment(c));
    const found = readLog(dir);
    assert.deepEqual([found.batches, found.segments], [[], [1, 2, 3]]);
    assert.match(found.damage ?? '', /SAVEPOINT-WAL-000002: a record fails its checksum at byte/);
    // Segment 2 cut short: with segment 3 after it, that is damage too (each segment is synced and closed before the next).
    await writeFile(join(dir, `${LOG_PREFIX}000002`), segment(a, b.subarray(0, 10)));
    assert.match(readLog(dir).damage ?? '', /SAVEPOINT-WAL-000002: cut short before a newer segment/);
    assert.deepEqual(setLogAside(dir, () => 42), [`${LOG_PREFIX}000001.damaged-42`, `${LOG_PREFIX}000002.damaged-42`, `${LOG_PREFIX}000003.damaged-42`]);
    assert.deepEqual(readLog(dir), { batches: [], segments: [] });
    // The newest segment's torn tail is cut off the file when asked, so that a later segment after it reads as clean.
    await writeFile(join(dir, `${LOG_PREFIX}000004`), segment(a, b.subarray(0, 10)));
    assert.deepEqual(readLog(dir, { trimTornTail: true }), { batches: [RECORDS[0]], segments: [4] });
    assert.deepEqual(await readFile(join(dir, `${LOG_PREFIX}000004`)), segment(a));
    assert.equal(new WriteAheadLog(dir, [4]).current, 5);
  });
});

describe("the store's write-ahead log: a store on disk (real LevelDB, real SIGKILL)", function () {
  this.timeout(60_000);
  const tmp = tempDirs('wal');
  afterEach(async function () {
    delete process.env['KILL_AFTER'];
    delete process.env['DEFER_FROM'];
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  for (const deferred of [false, true]) {
    it(`a ${deferred ? 'deferred ' : ''}commit the writer is SIGKILLed right after is there when the store opens again, though LevelDB never got it`, async () => {
      const dir = await tmp.make();
      process.env['KILL_AFTER'] = '5';
      if (deferred) process.env['DEFER_FROM'] = '3';
      const writer = new FixtureProcess('storeWriter', [dir, SID, '1', '8', '0']);
      const exit = await writer.exited;
      assert.equal(exit.signal, 'SIGKILL', exit.stderr);
      assert.ok(writer.lines.includes('committed 4'));
      // LevelDB alone lacks step 5: only the log has it.
      const raw = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
      await raw.open();
      assert.equal(await raw.get(keys.event(SID, 5 * EVENTS_PER_STEP)), undefined, 'LevelDB had step 5 already: the test proves nothing');
      await raw.close();
      assert.ok((await logFiles(dir)).length > 0);

      const store = await openCheckpointStore({ dir, onLocked: 'fail' });
      await assertWorkloadSteps(store, SID, 5, 'after the log was applied');
      assert.deepEqual(await logFiles(dir), [], 'the applied log is removed once LevelDB has it in a table');
      await store.close();
      const again = await openCheckpointStore({ dir, onLocked: 'fail' });
      await assertWorkloadSteps(again, SID, 5, 'opened once more');
      await again.close();
    });
  }

  it('the log applies over whatever LevelDB kept of it: a copy of LevelDB from step 3 with the log of step 6 opens at step 6', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    await store.createSession({ id: SID, title: 'wal' });
    const state = await commitSteps(store, 1, 3, initialState());
    await assertWorkloadSteps(store, SID, 3, 'before the copy');
    const [early, full] = [await tmp.make(), await tmp.make()];
    await copyStore(dir, early, false);
    await copyStore(dir, full, false);
    await commitSteps(store, 4, 6, state);
    for (const name of await logFiles(dir)) await copyFile(join(dir, name), join(full, name));
    await store.close();
    assert.deepEqual(await logFiles(dir), [], 'a clean close leaves no log');

    const alone = await openCheckpointStore({ dir: early, onLocked: 'fail' });
    await assertWorkloadSteps(alone, SID, 3, 'LevelDB from step 3 alone');
    await alone.close();
    const replayed = await openCheckpointStore({ dir: full, onLocked: 'fail' });
    await assertWorkloadSteps(replayed, SID, 6, 'with the log');
    await replayed.close();
  });

  it('a full disk while appending to the log: the commit fails with DISK_FULL, nothing of it stays, and the same commit then succeeds', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    await store.createSession({ id: SID, title: 'wal' });
    const state = await commitSteps(store, 1, 3, initialState());
    const step4 = buildStep(SID, 4, state);
    const original = fs.writeSync;
    let armed = true;
    // Half the record reaches the file, then the disk is full.
    (fs as { writeSync: unknown }).writeSync = (fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number) => {
      if (armed && typeof len === 'number' && len > 1000) {
        original(fd, buf, off, Math.floor(len / 2), pos);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return original(fd, buf, off, len, pos);
    };
    try {
      await assert.rejects(store.commit(step4.commit), (e: Error & { code?: string }) => e.code === 'DISK_FULL');
    } finally {
      armed = false;
      (fs as { writeSync: unknown }).writeSync = original;
    }
    await assertWorkloadSteps(store, SID, 3, 'after the failed commit');
    await store.commit(step4.commit);
    await commitSteps(store, 5, 5, step4.next);
    const [seg] = await logFiles(dir);
    const read = decodeSegment(await readFile(join(dir, seg as string)));
    assert.equal(read.end, 'clean', 'no half record is left in the log');
    const image = await tmp.make();
    await copyStore(dir, image, true);
    await store.close();
    const crashed = await openCheckpointStore({ dir: image, onLocked: 'fail' });
    await assertWorkloadSteps(crashed, SID, 5, 'the log of that store, applied');
    await crashed.close();
  });

  it('a batch the log took and LevelDB refuses (a full disk): reads fail with DISK_FULL until LevelDB takes it, and nothing is lost', async () => {
    const dir = await tmp.make();
    class Refusing extends ClassicLevel<string, Uint8Array> {
      refuse = false;
      _chainedBatch(): unknown {
        const base = ClassicLevel.prototype as unknown as { _chainedBatch(this: Refusing): { _write(o: unknown): Promise<void> } };
        const batch = base._chainedBatch.call(this);
        const write = batch._write.bind(batch);
        batch._write = async (o: unknown) => {
          if (this.refuse) throw Object.assign(new Error('IO error: 000005.log: No space left on device'), { code: 'LEVEL_IO_ERROR' });
          return write(o);
        };
        return batch;
      }
    }
    const db = new Refusing(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
    const store = await LevelCheckpointStore.create({ db: db as unknown as Db, log: new WriteAheadLog(dir, []) });
    await store.createSession({ id: SID, title: 'wal' });
    let state = await commitSteps(store, 1, 2, initialState());
    db.refuse = true;
    state = await commitSteps(store, 3, 4, state);
    const read = async () => {
      for await (const e of store.readEvents(SID)) void e;
    };
    await assert.rejects(read(), (e: Error & { code?: string }) => e.code === 'DISK_FULL');
    await assert.rejects(read(), (e: Error & { code?: string }) => e.code === 'DISK_FULL');
    db.refuse = false;
    await assertWorkloadSteps(store, SID, 4, 'once LevelDB takes the batches');
    await commitSteps(store, 5, 5, state);
    await store.close();
    assert.deepEqual(await logFiles(dir), []);
    const reopened = await openCheckpointStore({ dir, onLocked: 'fail' });
    await assertWorkloadSteps(reopened, SID, 5, 'reopened');
    await reopened.close();
  });

  it('a new segment starts past 8 MB; the older one goes once LevelDB has its records in a table, and a crash then loses nothing', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    await store.createSession({ id: SID, title: 'wal' });
    let state = initialState();
    const big: Uint8Array[] = [];
    for (let step = 1; step <= 4; step++) {
      const b = buildStep(SID, step, state);
      const blob = new Uint8Array(randomBytes(2_500_000));
      big.push(blob);
      await store.commit({ ...b.commit, blobs: [...(b.commit.blobs ?? []), { content: blob }] });
      state = b.next;
    }
    await assertWorkloadSteps(store, SID, 4, 'written');
    // The fourth commit filled the first segment: it goes once LevelDB has written its memtable out.
    const deadline = Date.now() + 10_000;
    while ((await logFiles(dir)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await logFiles(dir), []);
    await commitSteps(store, 5, 6, state);
    assert.deepEqual(await logFiles(dir), [`${LOG_PREFIX}000002`]);
    const image = await tmp.make();
    await copyStore(dir, image, true);
    await store.close();
    const crashed = await openCheckpointStore({ dir: image, onLocked: 'fail' });
    await assertWorkloadSteps(crashed, SID, 6, 'a crash after the new segment');
    for (const blob of big) assert.ok(Buffer.from(await crashed.getBlob(hashOf(blob))).equals(blob));
    await crashed.close();
  });
});
