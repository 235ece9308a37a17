import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { allSessions } from '../../../src/core/store/allSessions';
import { LIST_SNAPSHOT, readListSnapshot } from '../../../src/core/store/listSnapshot';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { SessionSummary } from '../../../src/core/store/types';
import { stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

const everyRow = (store: CheckpointStore): Promise<SessionSummary[]> => allSessions((o) => store.listSessions(o), 7);

/** A store with `n` sessions of two steps each, updated in an order other than creation's; returns its rows as listed. */
async function storeWith(dir: string, n: number, o: { key?: Uint8Array } = {}): Promise<SessionSummary[]> {
  let clock = 1_000_000;
  const store = await openCheckpointStore({ dir, onLocked: 'fail', now: () => (clock += 10), ...(o.key ? { keyProvider: { getKey: async () => o.key as Uint8Array } } : {}) });
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await store.createSession({ title: `session ${i} — ünïcode` })).id);
  for (const [k, id] of [...ids].reverse().entries()) {
    const head = (await store.commit(stepCommit(id, 1, 0))).headSeq;
    if (k % 2 === 0) await store.commit(stepCommit(id, 2, head));
  }
  const rows = await everyRow(store);
  await store.close();
  return rows;
}

describe('disk store: the session list a clean close leaves beside it (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('list-snapshot');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('holds exactly the rows the store lists, in the same order', async () => {
    const dir = await tmp.make();
    const rows = await storeWith(dir, 25);
    assert.equal(rows.length, 25);
    assert.deepEqual(readListSnapshot(dir), rows);
  });

  it('is not used once anything has opened the store since: a writer, a crash, another version', async () => {
    const dir = await tmp.make();
    await storeWith(dir, 3);
    assert.equal(readListSnapshot(dir)?.length, 3);
    // A writer with the store open: what it writes is not in the file.
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    assert.equal(readListSnapshot(dir), undefined, 'the store is open');
    const s = await store.createSession({ title: 'new' });
    await store.commit(stepCommit(s.id, 1, 0));
    // Closed cleanly: the file is written again, with the new session.
    await store.close();
    const after = readListSnapshot(dir);
    assert.equal(after?.length, 4);
    assert.equal(after?.[0]?.id, s.id);
    // A process that never closes (killed) leaves the file of the clean close before it, which no longer counts.
    const killed = await openCheckpointStore({ dir, onLocked: 'fail' });
    await killed.commit(stepCommit(s.id, 2, 2));
    assert.equal(readListSnapshot(dir), undefined);
    await killed.close();
    // Any opener of the database, even one that knows nothing of the file (an older Savepoint), makes it stale.
    const raw = new ClassicLevel(dir);
    await raw.open();
    await raw.close();
    assert.equal(readListSnapshot(dir), undefined);
  });

  it('a damaged file, or none, means listing through the store', async () => {
    const dir = await tmp.make();
    assert.equal(readListSnapshot(dir), undefined, 'no store at all');
    await storeWith(dir, 2);
    const file = join(dir, LIST_SNAPSHOT);
    const bytes = await readFile(file);
    bytes.writeUInt8((bytes.at(-3) as number) ^ 0x20, bytes.length - 3);
    await writeFile(file, bytes);
    assert.equal(readListSnapshot(dir), undefined);
  });

  it('is not used when a table or log of the store is missing or truncated, or the folder holds a new store', async () => {
    const dir = await tmp.make();
    await storeWith(dir, 3);
    const table = (await readdir(dir)).find((n) => n.endsWith('.ldb')) as string;
    const bytes = await readFile(join(dir, table));
    await writeFile(join(dir, table), bytes.subarray(0, bytes.length - 1));
    assert.equal(readListSnapshot(dir), undefined, 'a truncated table');
    await rm(join(dir, table));
    assert.equal(readListSnapshot(dir), undefined, 'a missing table');
    // The folder emptied by LevelDB's destroy (which leaves files it does not name) and a new database made in it by another program:
    // its MANIFEST has the name the old one had, not the same file.
    const again = await tmp.make();
    await storeWith(again, 2);
    const kept = await readFile(join(again, LIST_SNAPSHOT));
    for (const n of await readdir(again)) await rm(join(again, n), { recursive: true, force: true });
    const fresh = new ClassicLevel(again);
    await fresh.open();
    await fresh.put('x', 'y');
    await fresh.close();
    await writeFile(join(again, LIST_SNAPSHOT), kept);
    assert.equal(readListSnapshot(again), undefined);
  });

  it('is removed when the store opens for writing, and its close never fails on it', async () => {
    const dir = await tmp.make();
    await storeWith(dir, 2);
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    // Refused from the open on (it names the MANIFEST the open replaced), and removed in the background.
    assert.equal(readListSnapshot(dir), undefined);
    await store.listRemoved;
    assert.ok(!(await readdir(dir)).includes(LIST_SNAPSHOT), 'gone while the store is open');
    // Something the store cannot replace sits where the file goes: the close still closes the database.
    await mkdir(join(dir, LIST_SNAPSHOT));
    await writeFile(join(dir, LIST_SNAPSHOT, 'x'), 'x');
    await store.close();
    assert.equal(readListSnapshot(dir), undefined);
    const reopened = await openCheckpointStore({ dir, onLocked: 'fail' });
    assert.equal(reopened.readOnly, false, 'the lock was released');
    assert.equal((await everyRow(reopened)).length, 2);
    await reopened.close();
  });

  it('is encrypted with the store: unreadable without its key, and no title in the clear', async () => {
    const dir = await tmp.make();
    const key = new Uint8Array(32).fill(7);
    const rows = await storeWith(dir, 3, { key });
    assert.equal(readListSnapshot(dir), undefined, 'no key');
    assert.equal(readListSnapshot(dir, new Uint8Array(32).fill(8)), undefined, 'another key');
    assert.deepEqual(readListSnapshot(dir, key), rows);
    assert.ok(!(await readFile(join(dir, LIST_SNAPSHOT))).includes(Buffer.from('session 1')), 'titles are not in the clear');
  });

  it('a read-only second opener leaves the owner\'s file alone, and LevelDB keeps it through compactions', async () => {
    const dir = await tmp.make();
    const rows = await storeWith(dir, 4);
    const owner = await openCheckpointStore({ dir, onLocked: 'fail' });
    const reader = await openCheckpointStore({ dir });
    assert.equal(reader.readOnly, true);
    await reader.close();
    // Enough writes for LevelDB to write tables and clean up its obsolete files.
    const s = await owner.createSession({ title: 'busy' });
    let head = 0;
    for (let step = 1; step <= 40; step++) head = (await owner.commit({ ...stepCommit(s.id, step, head), blobs: [{ content: new Uint8Array(64 * 1024).fill(step) }] })).headSeq;
    await owner.close();
    const now = readListSnapshot(dir);
    assert.equal(now?.length, rows.length + 1);
    assert.equal(now?.[0]?.headSeq, head);
  });
});
