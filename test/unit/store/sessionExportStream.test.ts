import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeInPieces } from '../../../src/core/node/piecewiseFile';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { type SessionExport, exportSession, exportedWords, writeSessionExport } from '../../../src/core/store/sessionExport';
import type { BlobHash, SessionId } from '../../../src/core/store/types';

/**
 * Export Session built the whole document in memory, every version of every file at once, then one
 * string of it: a session where `npm install` rewrote a large lockfile at many steps could not be
 * exported (the string outgrows what one can hold, and the editor's process its memory). The export
 * is written as it is read now: each stored content is read, written, let go. Real LevelDB on disk.
 */
describe('Export Session written as it is read', function () {
  this.timeout(60_000);
  let dir: string;
  let store: CheckpointStore;
  let id: SessionId;
  const versions: Uint8Array[] = [];
  const hashes: BlobHash[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'savepoint-export-stream-'));
    store = await openCheckpointStore({ dir: join(dir, 'store'), onLocked: 'fail', syncWrites: false });
    id = (await store.createSession({ title: 'lockfile churn' })).id;
    // Eight versions of a 300 KB lockfile, one per step, and one binary file.
    for (let i = 0; i < 8; i++) versions.push(Buffer.from(`{"lockfileVersion":3,"step":${i},"packages":"${'x'.repeat(300_000)}"}\n`));
    versions.push(new Uint8Array([0, 255, 1, 254, 2]));
    let head = 0;
    for (const [i, content] of versions.entries()) {
      const [hash] = await store.putBlobs(id, [{ content }]);
      hashes.push(hash as BlobHash);
      head = (await store.commit({ sessionId: id, expectedHeadSeq: head, events: [{ step: i + 1, type: 'file_written', data: { path: 'package-lock.json', hash } }] })).headSeq;
    }
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands each stored content on before it reads the next, in pieces of about a megabyte', async () => {
    const reads: number[] = [];
    const seen: { reads: number; text: string }[] = [];
    const counting = Object.create(store) as CheckpointStore;
    counting.getBlob = async (h: BlobHash) => {
      reads.push(hashes.indexOf(h));
      return store.getBlob(h);
    };
    const summary = await writeSessionExport(counting, id, async (text) => void seen.push({ reads: reads.length, text }));
    assert.equal(summary.blobs, versions.length);
    assert.ok(Math.max(...seen.map((s) => s.text.length)) < 2_000_000, 'no piece holds the whole document');
    // The first megabyte was handed on while most of the versions were still in the store.
    assert.ok(seen.length >= 3 && (seen[0] as { reads: number }).reads <= versions.length / 2 + 1, `the first piece was handed on after ${seen[0]?.reads} of ${versions.length} contents were read`);
    const whole = seen.map((s) => s.text).join('');
    const x = JSON.parse(whole) as SessionExport;
    assert.equal(Object.keys(x.blobs).length, versions.length);
  });

  it('writes the text JSON.stringify would, with every version byte-exact', async () => {
    const now = new Date('2026-12-06T12:00:00Z');
    let text = '';
    await writeSessionExport(store, id, async (t) => void (text += t), now);
    const x = JSON.parse(text) as SessionExport;
    assert.equal(text, JSON.stringify(x, null, 2));
    assert.deepEqual(await exportSession(store, id, now), x);
    for (const [i, h] of hashes.entries()) {
      const b = x.blobs[h];
      assert.ok(b, `version ${i} is exported`);
      assert.deepEqual(Buffer.from(b.data, b.encoding === 'utf8' ? 'utf8' : 'base64'), Buffer.from(versions[i] as Uint8Array));
    }
    assert.match(exportedWords({ events: x.events.length, blobs: 9, bytes: 2_400_000, missing: 0 }), /^exported \d+ events and 9 stored contents \(2\.4 MB\)$/);
  });

  it('a file is written whole or not at all, private to the user, and an existing one is refused untouched', async () => {
    const out = join(dir, 'session.json');
    await writeInPieces(out, (sink) => writeSessionExport(store, id, sink), { replace: false });
    assert.equal(JSON.parse(await readFile(out, 'utf8')).session.id, id);
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    await writeFile(out, 'keep me');
    await assert.rejects(writeInPieces(out, (sink) => writeSessionExport(store, id, sink), { replace: false }), { code: 'EEXIST' });
    assert.equal(await readFile(out, 'utf8'), 'keep me');
    // A failure midway leaves the old file as it was and no part of the new one.
    await assert.rejects(
      writeInPieces(out, async (sink) => {
        await sink('{"half":');
        throw new Error('the disk is full');
      }, { replace: true }),
      /the disk is full/,
    );
    assert.equal(await readFile(out, 'utf8'), 'keep me');
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
  });
});
