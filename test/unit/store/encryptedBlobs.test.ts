import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { hashBlob } from '../../../src/core/store/blobFormat';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { BlobHash } from '../../../src/core/store/types';
import { stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

const withKey = (dir: string, key?: Uint8Array) => openCheckpointStore({ dir, onLocked: 'fail', ...(key ? { keyProvider: { getKey: async () => key } } : {}) });

/** Whether any file of the store (LevelDB's and Savepoint's own, in every folder) holds `marker` as it is. */
async function filesHold(dir: string, marker: Buffer): Promise<string[]> {
  const hits: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    if ((await readFile(path)).includes(marker)) hits.push(path);
  }
  return hits;
}

/** Rewrites the database's files so that what was deleted or overwritten leaves them (as LevelDB does in time). */
async function compactAll(dir: string): Promise<void> {
  const raw = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await raw.open();
  await raw.compactRange('\u0000', '\uffff');
  await raw.close();
}

describe('encryption at rest: file contents a plain store already holds (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('encrypted-blobs');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('a blob an encrypted session writes is stored encrypted though a plain copy exists, and is not a delta on a plain version', async () => {
    const dir = join(await tmp.make(), 'store');
    // Random bytes do not compress: a plain record holds the marker as it is.
    const marker = Buffer.from(`MARKER-${randomBytes(8).toString('hex')}`);
    const same = Buffer.concat([marker, randomBytes(4000)]);
    const older = Buffer.concat([randomBytes(100), marker, randomBytes(4000)]);
    const newer = Buffer.from(older);
    newer.set(Buffer.from('changed'), 2000);

    // Before encryption was turned on: a session that wrote both contents.
    const plain = await withKey(dir);
    const before = await plain.createSession({ title: 'before encryption' });
    await plain.commit(stepCommit(before.id, 1, 0, { blobs: [{ content: same }, { content: older }] }));
    await plain.close();

    const key = randomBytes(32);
    const sealed = await withKey(dir, key);
    try {
      const s = await sealed.createSession({ title: 'encrypted' });
      const r = await sealed.commit(stepCommit(s.id, 1, 0, { blobs: [{ content: same }, { content: newer, deltaBase: hashBlob(older) }] }));
      // The earlier session stays plain until it is deleted: deleted here, its records go.
      await sealed.deleteSession(before.id, 'test');
      await sealed.vacuum();
      assert.deepEqual(Buffer.from(await sealed.getBlob(r.blobHashes[0] as BlobHash)), same);
      assert.deepEqual(Buffer.from(await sealed.getBlob(r.blobHashes[1] as BlobHash)), newer);
    } finally {
      await sealed.close();
    }
    await compactAll(dir);
    assert.deepEqual(await filesHold(dir, marker), [], 'no file holds the contents in plain');
    const again = await withKey(dir, key);
    try {
      const s = (await again.listSessions({})).sessions[0];
      assert.equal(s?.title, 'encrypted');
      assert.deepEqual(Buffer.from(await again.getBlob(hashBlob(same))), same);
      assert.deepEqual(Buffer.from(await again.getBlob(hashBlob(newer))), newer);
    } finally {
      await again.close();
    }
  });
});
