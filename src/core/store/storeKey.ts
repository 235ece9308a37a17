import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errCode } from '../util/errCode';

/** Where the store's key is kept: in the editor, SecretStorage, which every window of the machine shares. */
export interface KeySecret {
  /** The saved value (base64), or undefined when there is none. */
  get(): PromiseLike<string | undefined>;
  store(value: string): PromiseLike<void>;
}

/** A lock file older than this was left by a window that died holding it (the work under it takes milliseconds). */
const STALE_MS = 10_000;
/** How long a window waits for another's lock before it gives up. */
const PATIENCE_MS = 20_000;

/**
 * The store's 32-byte key from `secret`, made and saved there when it has none. Every window of the
 * machine shares the secret: two windows finding none at once each made a key, and the one saved
 * last replaced the other, whose window had already encrypted with it (those sessions then read with
 * no key there is). So the look and the making happen holding `lockFile`, a file created exclusively
 * in a folder the windows share (the extension's global storage): the second window waits, then
 * finds the key the first saved. Throws when the lock cannot be had, or the secret read or saved.
 */
export async function readOrMakeKey(secret: KeySecret, lockFile: string, onMade?: () => void): Promise<Uint8Array> {
  const release = await lock(lockFile);
  try {
    const saved = await secret.get();
    if (saved) return Uint8Array.from(Buffer.from(saved, 'base64'));
    const key = randomBytes(32);
    await secret.store(key.toString('base64'));
    onMade?.();
    return Uint8Array.from(key);
  } finally {
    await release();
  }
}

async function lock(file: string): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  const since = Date.now();
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid)).finally(() => fh.close());
      return () => unlink(file).catch(() => undefined);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
    }
    const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_MS) await unlink(file).catch(() => undefined);
    else if (Date.now() - since > PATIENCE_MS) throw new Error(`another window has held ${file} for ${Math.round(age / 1000)} s while it makes the encryption key`);
    else await new Promise((r) => setTimeout(r, wait));
  }
}
