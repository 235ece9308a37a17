import assert from 'node:assert/strict';
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeySecret, readOrMakeKey } from '../../../src/core/store/storeKey';
import { tempDirs } from './helpers/tmp';

/**
 * The machine's secret storage as each window sees it: one value shared by all, every call a trip
 * to the process that holds it (VS Code's main process), so calls of two windows interleave.
 */
function sharedSecret(): { windowView(): KeySecret; value(): string | undefined; writes(): number } {
  let value: string | undefined;
  let writes = 0;
  const trip = () => new Promise((r) => setTimeout(r, 5));
  return {
    windowView: () => ({
      get: async () => {
        await trip();
        return value;
      },
      store: async (v) => {
        await trip();
        value = v;
        writes++;
      },
    }),
    value: () => value,
    writes: () => writes,
  };
}

describe('the key of encryption at rest in the secret storage', function () {
  this.timeout(30_000);
  const tmp = tempDirs('store-key-secret');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('two windows asking for the first key at once get the same key, the one saved; a later ask reads it', async () => {
    const shared = await tmp.make();
    const secret = sharedSecret();
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => readOrMakeKey(secret.windowView(), join(shared, 'store-key.lock'))));
    const saved = Buffer.from(secret.value() ?? '', 'base64');
    assert.equal(saved.length, 32);
    for (const k of [a, b, c]) assert.ok(saved.equals(Buffer.from(k as Uint8Array)), 'every window encrypts with the key that stays saved');
    assert.equal(secret.writes(), 1, 'one key was made');
    const later = await readOrMakeKey(secret.windowView(), join(shared, 'store-key.lock'));
    assert.ok(saved.equals(Buffer.from(later)));
  });

  it('a lock a window left when it died does not keep the key from the next one', async () => {
    const lockFile = join(await tmp.make(), 'store-key.lock');
    await writeFile(lockFile, '99999');
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile, old, old);
    const secret = sharedSecret();
    const key = await readOrMakeKey(secret.windowView(), lockFile);
    assert.ok(Buffer.from(secret.value() ?? '', 'base64').equals(Buffer.from(key)));
  });

  it('a stale lock taken over by several windows at once lets one of them in at a time: one key is made, every window gets it', async () => {
    const dir = await tmp.make();
    for (let round = 0; round < 20; round++) {
      const lockFile = join(dir, `store-key-${round}.lock`);
      await writeFile(lockFile, '99999');
      const old = new Date(Date.now() - 60_000);
      await utimes(lockFile, old, old);
      const secret = sharedSecret();
      const keys = await Promise.all(Array.from({ length: 8 }, () => readOrMakeKey(secret.windowView(), lockFile)));
      assert.equal(secret.writes(), 1, `round ${round}: one key was made (two windows held the lock at once when more were)`);
      const saved = Buffer.from(secret.value() ?? '', 'base64');
      for (const k of keys) assert.ok(saved.equals(Buffer.from(k)), `round ${round}: every window has the saved key`);
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith(`store-key-${round}.lock`)), [], `round ${round}: no lock, and nothing moved aside, is left`);
    }
  });

  it("a window whose lock was taken over as stale does not remove the new holder's lock when it releases", async () => {
    const lockFile = join(await tmp.make(), 'store-key.lock');
    const secret = sharedSecret();
    let later: Promise<Uint8Array> | undefined;
    let heldBySecond = false;
    const slow: KeySecret = {
      get: async () => {
        // Held so long that another window judges the lock stale and takes it over.
        const old = new Date(Date.now() - 60_000);
        await utimes(lockFile, old, old);
        const second: KeySecret = {
          get: async () => {
            heldBySecond = true;
            await new Promise((r) => setTimeout(r, 300));
            return secret.windowView().get();
          },
          store: (v) => secret.windowView().store(v),
        };
        later = readOrMakeKey(second, lockFile);
        await new Promise((r) => setTimeout(r, 100));
        return secret.windowView().get();
      },
      store: (v) => secret.windowView().store(v),
    };
    await readOrMakeKey(slow, lockFile);
    assert.ok(heldBySecond, 'the second window took the stale lock over');
    // The first window released; the second still holds its lock: the file is there.
    assert.ok(await stat(lockFile).then(() => true, () => false), "the second window's lock is still there");
    await later;
  });
});
