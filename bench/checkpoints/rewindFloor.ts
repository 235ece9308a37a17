import { closeSync, fdatasync, fsync, openSync, readFileSync, rename, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClassicLevel } from 'classic-level';

/**
 * The floor under `rewind_inproc_ms`: what a fresh `node` process spends on the I/O a durable rewind
 * cannot skip, with none of Savepoint's code. Imports first (not timed), then:
 *   open   LevelDB opened on the session's store (as the product opens it);
 *   read   40 values read (the product reads the session's touch digests and the target versions),
 *          and the current contents of the files;
 *   safety a line per file (its path and size) appended to a file in the store's folder and
 *          fdatasync'ed once (the product's safety checkpoint is one synced commit to its own log, of
 *          records: the current contents are blobs the store holds already);
 *   files  each file written as the product writes it: a new temporary file beside it, fsync, rename
 *          over it (8 at a time, in the thread pool), then one fsync per folder.
 * The files get the bytes they hold already (the product's rewind has put them at the target step),
 * so the workspace stays as the verification expects it. Prints one JSON line.
 *   node rewindFloor.js STORE WORKSPACE FILE...
 */
const viaPool = <T>(call: (done: (e: Error | null, v?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => call((e, v) => (e ? reject(e) : resolve(v as T))));

async function eachEight<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(8, items.length) }, worker));
}

async function main(): Promise<Record<string, number>> {
  const [dir, root, ...rels] = process.argv.slice(2);
  if (!dir || !root || rels.length === 0) throw new Error('usage: rewindFloor.js STORE WORKSPACE FILE...');
  const files = rels.map((r) => join(root, r));
  const safetyFile = join(dir, 'floor-safety.tmp');
  const t0 = performance.now();
  const db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open({ createIfMissing: false });
  const t1 = performance.now();
  const keys: string[] = [];
  for await (const k of db.keys({ limit: 40 })) keys.push(k);
  const values = await db.getMany(keys);
  const current = files.map((f) => readFileSync(f));
  const t2 = performance.now();
  const log = openSync(safetyFile, 'a');
  try {
    writeSync(log, rels.map((r, i) => `${r}\t${(current[i] as Buffer).length}\n`).join(''));
    await viaPool<void>((done) => fdatasync(log, done));
  } finally {
    closeSync(log);
  }
  const t3 = performance.now();
  await eachEight([...files.keys()], async (i) => {
    const file = files[i] as string;
    const tmp = `${file}.floor-${i}.tmp`;
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, current[i] as Buffer);
      await viaPool<void>((done) => fsync(fd, done));
    } finally {
      closeSync(fd);
    }
    await viaPool<void>((done) => rename(tmp, file, done));
  });
  await eachEight([...new Set(files.map((f) => dirname(f)))], async (d) => {
    const fd = openSync(d, 'r');
    try {
      await viaPool<void>((done) => fsync(fd, done));
    } finally {
      closeSync(fd);
    }
  });
  const t4 = performance.now();
  await db.close();
  await rm(safetyFile, { force: true });
  if (values.some((v) => v === undefined)) throw new Error('a key read back no value');
  return { ms: t4 - t0, open_ms: t1 - t0, read_ms: t2 - t1, safety_ms: t3 - t2, files_ms: t4 - t3, files: files.length };
}

main().then(
  (out) => process.stdout.write(JSON.stringify(out) + '\n'),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
