import assert from 'node:assert/strict';
import { MAX_RECALLED, recalledContents } from '../../../src/core/checkpoints/contentSource';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import type { BlobHash } from '../../../src/core/store/types';

/**
 * Contents kept by hash only are looked for in the user's git, a few git runs per file: a checkout
 * that changed hundreds of such files held the rewind's preview for minutes. One preview asks for
 * at most MAX_RECALLED of them; the rest stay "not restorable", and nothing unverified is taken.
 */
describe('recalledContents: contents kept by hash only, looked for elsewhere', () => {
  const n = MAX_RECALLED + 30;
  const bytes = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`big file ${i}\n`));
  const paths = bytes.map((_, i) => `big/${i}.bin`);
  const hashes = bytes.map((b) => hashBytes(b)) as (BlobHash | null)[];

  it(`asks for at most ${MAX_RECALLED} versions in one preview, and takes each only when its hash is the one recorded`, async () => {
    const asked: string[] = [];
    const source = {
      recallByHash: async (wanted: readonly { path: string; hash: string }[]) => {
        asked.push(...wanted.map((w) => w.path));
        // The last one offered is not the version recorded.
        return new Map(wanted.map((w, k) => [w.path, k === wanted.length - 1 ? new TextEncoder().encode('other bytes\n') : (bytes[paths.indexOf(w.path)] as Uint8Array)]));
      },
    };
    const found = await recalledContents(source, paths, hashes);
    assert.equal(asked.length, MAX_RECALLED);
    assert.deepEqual(asked, paths.slice(0, MAX_RECALLED));
    assert.equal(found.size, MAX_RECALLED - 1);
    assert.ok(!found.has(MAX_RECALLED - 1), 'bytes that are not the recorded version are never taken');
    assert.deepEqual(found.get(0), bytes[0]);
  });

  it('asks nothing when no version is missing, or no source is given', async () => {
    let calls = 0;
    const source = { recallByHash: async () => (calls++, new Map<string, Uint8Array>()) };
    assert.equal((await recalledContents(source, paths, paths.map(() => null))).size, 0);
    assert.equal((await recalledContents(undefined, paths, hashes)).size, 0);
    assert.equal(calls, 0);
  });
});
