import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Takes a piece of the text; resolves when it is written. */
export type PieceSink = (text: string) => Promise<void>;

/**
 * Writes a file made piece by piece (`produce` hands the pieces to the sink) whole or not at all:
 * into a new file beside it, private to the user (it may hold a whole conversation), synced, then
 * put in place. With `replace`, over what is there (the editor's save dialog asked); without, only
 * where nothing is: an existing file is refused (EEXIST) and left as it was. A failure midway
 * leaves no part of the file anywhere.
 */
export async function writeInPieces<T>(path: string, produce: (sink: PieceSink) => Promise<T>, o: { replace: boolean }): Promise<T> {
  // Refused before any work where the file is there already; the link below refuses one made meanwhile.
  if (!o.replace && (await lstat(path).then(() => true, () => false))) throw Object.assign(new Error(`${path} exists already`), { code: 'EEXIST' });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  let stillOpen = true;
  try {
    const result = await produce(async (text) => {
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
    });
    await handle.sync();
    stillOpen = false;
    await handle.close();
    if (o.replace) await rename(tmp, path);
    else {
      // A hard link refuses an existing name in one step; where the file system has none, a copy that refuses it too.
      await link(tmp, path).catch((e: NodeJS.ErrnoException) => (e.code === 'EPERM' || e.code === 'ENOTSUP' || e.code === 'EXDEV' ? copyFile(tmp, path, constants.COPYFILE_EXCL) : Promise.reject(e)));
      await unlink(tmp);
    }
    return result;
  } catch (e) {
    if (stillOpen) await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Standard output as a sink: each piece waits for the stream to drain when its buffer is full. */
export function stdoutSink(stream: NodeJS.WritableStream = process.stdout): PieceSink {
  return (text) =>
    new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      stream.once('error', onError);
      const done = () => {
        stream.removeListener('error', onError);
        resolve();
      };
      if (stream.write(text)) done();
      else stream.once('drain', done);
    });
}

/** The pieces gathered into one text, handed to `write` at the end (where no file can be written piece by piece). */
export async function inOnePiece<T>(produce: (sink: PieceSink) => Promise<T>, write: (text: string) => PromiseLike<void>): Promise<T> {
  const pieces: string[] = [];
  const result = await produce(async (text) => void pieces.push(text));
  await write(pieces.join(''));
  return result;
}
