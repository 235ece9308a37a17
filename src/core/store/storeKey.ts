import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
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

/**
 * Takes the lock `file`: created exclusively, holding a token of this call. A lock older than
 * STALE_MS is taken over, safely when several windows judge it stale at once (see `takeOver`).
 * Returns the release, which removes the lock only while it is still this call's.
 */
async function lock(file: string): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const since = Date.now();
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(token).finally(() => fh.close());
      return () => releaseLock(file, token);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
    }
    const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_MS) await takeOver(file);
    else if (Date.now() - since > PATIENCE_MS) throw new Error(`another window has held ${file} for ${Math.round(age / 1000)} s while it makes the encryption key`);
    else await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * Removes a lock judged stale. Unlinking it by name would remove whatever lock is there by then:
 * another window that judged the same lock stale may already have removed it and taken the lock
 * anew, and two windows would then hold it. So one window at a time takes a lock over, holding
 * `<file>.takeover` (created exclusively; one a window left when it died there is removed once
 * stale), and looks again under it: the lock still stale is moved aside under a name of this
 * call's own (a rename) and removed if it is the very file found stale (its inode), else put back.
 */
async function takeOver(file: string): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await (await open(guard, 'wx')).close();
  } catch (e) {
    if (errCode(e) !== 'EEXIST') throw e;
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    const found = await stat(file).catch(() => undefined);
    if (!found || Date.now() - found.mtimeMs <= STALE_MS) return;
    const aside = await moveAside(file);
    if (aside === undefined) return;
    const moved = await stat(aside).catch(() => undefined);
    if (moved?.ino === found.ino) await unlink(aside).catch(() => undefined);
    else await putBack(aside, file);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Removes the lock if it is still this call's (`token`): one held so long that another window took it over is that window's now. */
async function releaseLock(file: string, token: string): Promise<void> {
  const aside = await moveAside(file);
  if (aside === undefined) return;
  const held = await readFile(aside, 'utf8').catch(() => '');
  if (held === token) await unlink(aside).catch(() => undefined);
  else await putBack(aside, file);
}

/** Renames `file` to a name no other call uses; undefined when there is no `file` (another call moved or removed it). */
async function moveAside(file: string): Promise<string | undefined> {
  const aside = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.aside`;
  try {
    await rename(file, aside);
    return aside;
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** Puts a lock moved aside back under its name (a link: never over a lock made meanwhile), then drops the aside name. */
async function putBack(aside: string, file: string): Promise<void> {
  await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}
