import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { allSessions } from '../../../src/core/store/allSessions';
import { StoreError } from '../../../src/core/store/errors';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { bytes, stepCommit, text } from '../builders';
import { tempDirs } from './helpers/tmp';

const withKey = (dir: string, key?: Uint8Array) => openCheckpointStore({ dir, onLocked: 'fail', ...(key ? { keyProvider: { getKey: async () => key } } : {}) });

/** Every record of the database, and the store's own files beside it: what a refused open must leave as it was. */
async function contentsOf(dir: string): Promise<string[]> {
  const out = (await readdir(dir)).filter((n) => n.startsWith('SAVEPOINT-')).sort();
  const raw = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  for await (const [k, v] of raw.iterator()) out.push(`${k}=${Buffer.from(v).toString('base64')}`);
  await raw.close();
  return out;
}

/** An encrypted store with one session of one step and a blob; closed. */
async function encryptedStore(dir: string, key: Uint8Array): Promise<{ id: SessionId; blob: string }> {
  const store = await withKey(dir, key);
  const s = await store.createSession({ title: 'secret title' });
  const r = await store.commit(stepCommit(s.id, 1, 0, { blobs: [{ content: bytes('API_TOKEN=hunter2') }] }));
  await store.close();
  return { id: s.id, blob: r.blobHashes[0] as string };
}

describe('encryption at rest: the key a store opens with (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('store-key');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('an encrypted store refuses another key at open (KEY_UNAVAILABLE), writes nothing, and reads every session with its own key after', async () => {
    const dir = join(await tmp.make(), 'store');
    const key = randomBytes(32);
    const { id, blob } = await encryptedStore(dir, key);
    const before = await contentsOf(dir);
    // A replaced secret, or the store on another machine: the open says so, instead of writing new sessions nothing can read with the old key.
    await assert.rejects(withKey(dir, randomBytes(32)), (e: unknown) => StoreError.is(e, 'KEY_UNAVAILABLE') && /another key/.test(e.message));
    assert.deepEqual(await contentsOf(dir), before, 'the refused open wrote nothing');
    const store = await withKey(dir, key);
    try {
      assert.deepEqual((await allSessions((o) => store.listSessions(o))).map((s) => s.title), ['secret title']);
      assert.equal(text(await store.getBlob(blob as never)), 'API_TOKEN=hunter2');
      assert.equal((await store.loadSession(id)).summary.stepCount, 1);
    } finally {
      await store.close();
    }
  });

  it('an encrypted store opened without a key is refused (KEY_UNAVAILABLE) rather than given plain sessions, and is left as it was', async () => {
    const dir = join(await tmp.make(), 'store');
    const key = randomBytes(32);
    await encryptedStore(dir, key);
    const before = await contentsOf(dir);
    await assert.rejects(withKey(dir), (e: unknown) => StoreError.is(e, 'KEY_UNAVAILABLE') && /encrypted/.test(e.message));
    assert.deepEqual(await contentsOf(dir), before);
    const store = await withKey(dir, key);
    assert.equal((await allSessions((o) => store.listSessions(o))).length, 1);
    await store.close();
  });

  it('a store encrypted before it recorded its key check still refuses a key that does not open its sessions', async () => {
    const dir = join(await tmp.make(), 'store');
    const key = randomBytes(32);
    // Plain sessions first (encryption turned on later), more than are looked at from the oldest.
    const plain = await withKey(dir);
    for (let i = 0; i < 40; i++) await plain.createSession({ title: `plain ${i}` });
    await plain.close();
    await encryptedStore(dir, key);
    // As an earlier Savepoint left it: encrypted sessions, no record of the key.
    const raw = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    for await (const k of raw.keys({ gte: 'm!', lt: 'm!\xff' })) if (k !== 'm!schema' && k !== 'm!workspace') await raw.del(k);
    await raw.close();
    await assert.rejects(withKey(dir, randomBytes(32)), (e: unknown) => StoreError.is(e, 'KEY_UNAVAILABLE'));
    await assert.rejects(withKey(dir), (e: unknown) => StoreError.is(e, 'KEY_UNAVAILABLE'));
    const store = await withKey(dir, key);
    assert.equal((await allSessions((o) => store.listSessions(o))).length, 41);
    await store.close();
    await assert.rejects(withKey(dir, randomBytes(32)), (e: unknown) => StoreError.is(e, 'KEY_UNAVAILABLE'), 'the right key recorded its check');
  });

  it('a plain store that turns encryption on keeps reading its old sessions, and needs the key from then on', async () => {
    const dir = join(await tmp.make(), 'store');
    let store = await withKey(dir);
    const old = await store.createSession({ title: 'plain one' });
    await store.close();
    const key = randomBytes(32);
    store = await withKey(dir, key);
    await store.createSession({ title: 'encrypted one' });
    assert.deepEqual((await allSessions((o) => store.listSessions(o))).map((s) => s.title).sort(), ['encrypted one', 'plain one']);
    assert.equal((await store.getSession(old.id))?.title, 'plain one');
    await store.close();
    await assert.rejects(withKey(dir), (e: unknown) => StoreError.is(e, 'KEY_UNAVAILABLE'));
  });
});
