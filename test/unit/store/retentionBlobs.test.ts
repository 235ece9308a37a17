import assert from 'node:assert/strict';
import { ClassicLevel } from 'classic-level';
import { keys } from '../../../src/core/store/keys';
import { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { Db } from '../../../src/core/store/storeContext';
import type { BlobHash, SessionId } from '../../../src/core/store/types';
import { StoreError } from '../../../src/core/store/errors';
import { bytes, sourceFile, stepCommit, text } from '../builders';
import { tempDirs } from './helpers/tmp';

/**
 * A real LevelDB whose range reads of one blob's references run `during` between the moment the
 * read is asked for (LevelDB takes its snapshot then) and the moment its result is handed over: the
 * window in which anything else of the process may run while a deletion counts a blob's references.
 */
function refScanHook(db: Db, hash: () => BlobHash | undefined, during: () => Promise<unknown>): Db {
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'iterator') {
        return (options: { gte?: string }) => {
          const it = target.iterator(options as never);
          const h = hash();
          if (h && options.gte === keys.refPrefix(h)) {
            const gate = during();
            const nextv = it.nextv.bind(it);
            (it as { nextv: unknown }).nextv = async (...args: Parameters<typeof nextv>) => {
              await gate;
              return nextv(...args);
            };
          }
          return it;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as Db;
}

describe('retention and shared blobs: what a deletion frees while other sessions keep writing (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('retention-blobs');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('a blob a session commits again while another session that had it is being deleted is still readable afterwards', async () => {
    const dir = await tmp.make();
    const level = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await level.open();
    // Set once the sessions exist: the blob whose references are watched, and the session that commits it again.
    const watch: { hash?: BlobHash; a?: SessionId } = {};
    let resumed: Promise<unknown> | undefined;
    const content = bytes(sourceFile(11));
    // Session A (a fork of B, say) commits a step that captures the same, unchanged file.
    const commitA = (): Promise<unknown> => (resumed ??= store.commit(stepCommit(watch.a as SessionId, 1, 0, { blobs: [{ content }] })));
    const store: LevelCheckpointStore = await LevelCheckpointStore.create({ db: refScanHook(level as unknown as Db, () => watch.hash, commitA) });
    const b = await store.createSession({ title: 'old session', status: 'completed' });
    const a = await store.createSession({ title: 'resumed session' });
    watch.a = a.id;
    const [hash] = (await store.commit(stepCommit(b.id, 1, 0, { blobs: [{ content }] }))).blobHashes as [BlobHash];
    watch.hash = hash;

    await store.deleteSession(b.id, 'retention');
    await resumed;

    assert.deepEqual(await store.listSessions().then((p) => p.sessions.map((s) => s.id)), [a.id]);
    assert.equal(await store.hasBlob(hash), true, 'the blob session A just committed is still in the store');
    assert.equal(text(await store.getBlob(hash)), sourceFile(11));
    await store.close();
  });

  it('two sessions that share a file, deleted at the same time: the file goes with the last of them, not left behind with no session', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir });
    const content = bytes(sourceFile(21));
    const a = await store.createSession({ title: 'a', status: 'completed' });
    const b = await store.createSession({ title: 'b (a fork of a)', status: 'completed' });
    const [hash] = (await store.commit(stepCommit(a.id, 1, 0, { blobs: [{ content }] }))).blobHashes as [BlobHash];
    await store.commit(stepCommit(b.id, 1, 0, { blobs: [{ content }] }));

    const [ra, rb] = await Promise.all([store.deleteSession(a.id, 'retention'), store.deleteSession(b.id, 'retention')]);
    await store.vacuum();

    assert.deepEqual((await store.listSessions()).sessions, []);
    assert.equal(await store.hasBlob(hash), false, 'no session references the file any more, yet it stays in the store for good (vacuum does not find it either)');
    assert.equal(ra.blobsFreed + rb.blobsFreed, 1);
    await store.close();
  });

  it('with the default disk store: deleting a session while another commits the same file at every moment of the deletion never loses the file', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir });
    const lost: number[] = [];
    for (let delay = 0; delay < Number(process.env.DELAYS ?? 300); delay++) {
      const content = bytes(`${sourceFile(100 + delay)}`);
      const b = await store.createSession({ title: `old ${delay}`, status: 'completed' });
      const a = await store.createSession({ title: `resumed ${delay}` });
      const [hash] = (await store.commit(stepCommit(b.id, 1, 0, { blobs: [{ content }] }))).blobHashes as [BlobHash];
      const later = async () => {
        for (let i = 0; i < delay; i++) await new Promise((r) => setImmediate(r));
        return store.commit(stepCommit(a.id, 1, 0, { blobs: [{ content }] }));
      };
      await Promise.all([store.deleteSession(b.id, 'retention'), later()]);
      const readable = await store.getBlob(hash).then(
        () => true,
        (e: unknown) => {
          if (!StoreError.is(e, 'BLOB_NOT_FOUND')) throw e;
          return false;
        },
      );
      if (!readable) lost.push(delay);
    }
    await store.close();
    assert.deepEqual(lost, [], `session A's committed file was deleted with session B when A committed it after ${lost.join(', ')} turns of the event loop`);
  });
});
