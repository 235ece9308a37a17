import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';

type Callback = (e: NodeJS.ErrnoException | null) => void;
const fsAny = fs as unknown as Record<string, unknown>;

/** Every name under `dir` that a staging leaves (`.savepoint-…tmp`). */
async function temps(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.name.startsWith('.savepoint-')) out.push(e.name);
  return out;
}

/** The descriptors this process holds open on files under `dir` (Linux; elsewhere none are seen). Other tests' files do not count. */
function openUnder(dir: string): string[] {
  if (process.platform !== 'linux') return [];
  const real = fs.realpathSync(dir);
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(`${real}/`)) out.push(target);
    } catch {
      // Closed meanwhile (the listing's own descriptor).
    }
  }
  return out;
}

/**
 * The staging writes a batch's files first and syncs them after, in the thread pool, while the caller
 * goes on (a rewind commits its record meanwhile); `apply` changes nothing before every one is synced.
 */
describe('NodeWorkspace staging: written first, synced while the caller goes on, applied only once synced', function () {
  let root: string;
  const realFsync = fs.fsync;
  const realRename = fs.rename;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-stage-sync-'));
  });
  afterEach(async () => {
    fsAny.fsync = realFsync;
    fsAny.rename = realRename;
    await rm(root, { recursive: true, force: true });
  });

  it('a batch of 150 files (past two chunks of 64) is written whole, each with its bytes and mode, and leaves no descriptor open', async () => {
    const ws = new NodeWorkspace(root);
    await writeFile(join(root, 'f007.txt'), 'old');
    await fs.promises.chmod(join(root, 'f007.txt'), 0o640);
    const changes = Array.from({ length: 150 }, (_, i) => ({ path: `d${i % 7}/f${String(i).padStart(3, '0')}.txt`, bytes: Buffer.from(`file ${i}\n`.repeat(i + 1)) }));
    changes.push({ path: 'f007.txt', bytes: Buffer.from('new') });
    await ws.writeFiles(changes);
    for (const c of changes) assert.equal(await readFile(join(root, c.path), 'utf8'), c.bytes.toString(), c.path);
    assert.equal((await stat(join(root, 'f007.txt'))).mode & 0o777, 0o640, 'an existing file keeps its mode');
    assert.deepEqual(await temps(root), []);
    assert.deepEqual(openUnder(root), [], 'every descriptor the staging opened is closed');
  });

  it('no file is renamed before every staged file of the batch is synced', async () => {
    const events: string[] = [];
    fsAny.fsync = (fd: number, cb: Callback) =>
      realFsync(fd, (e) => {
        // Held back a little, so that a rename that does not wait for the syncs comes first.
        setTimeout(() => {
          events.push('synced');
          cb(e);
        }, 15);
      });
    fsAny.rename = (from: string, to: string, cb: Callback) => {
      events.push('rename');
      realRename(from, to, cb);
    };
    const ws = new NodeWorkspace(root);
    const staged = await ws.stageFiles(Array.from({ length: 12 }, (_, i) => ({ path: `f${i}.txt`, bytes: Buffer.from(`v${i}`) })));
    events.push('staged');
    await staged.apply();
    // Twelve files synced, then the renames, then their folder's sync.
    const firstRename = events.indexOf('rename');
    assert.equal(events.slice(0, firstRename).filter((e) => e === 'synced').length, 12, `a file was renamed before the last sync: ${events.join(' ')}`);
    assert.equal(events.indexOf('staged') < events.indexOf('synced'), true, `the staging waited for its syncs: ${events.join(' ')}`);
    assert.equal(await readFile(join(root, 'f11.txt'), 'utf8'), 'v11');
  });

  it('a staged file that cannot be synced: apply changes nothing, removes every temporary file, and throws the error', async () => {
    await writeFile(join(root, 'a.txt'), 'A');
    await writeFile(join(root, 'gone.txt'), 'G');
    let calls = 0;
    // The second file's sync fails at once; the others take a while: apply waits for them (their descriptors closed) before it throws.
    fsAny.fsync = (fd: number, cb: Callback) => {
      if (++calls === 2) return setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })));
      return realFsync(fd, (e) => setTimeout(() => cb(e), 30));
    };
    const ws = new NodeWorkspace(root);
    const staged = await ws.stageFiles([
      { path: 'a.txt', bytes: Buffer.from('A2') },
      { path: 'b.txt', bytes: Buffer.from('B') },
      { path: 'c.txt', bytes: Buffer.from('C') },
      { path: 'gone.txt', bytes: null },
    ]);
    await assert.rejects(staged.apply(), (e: NodeJS.ErrnoException) => e.code === 'EIO');
    assert.equal(await readFile(join(root, 'a.txt'), 'utf8'), 'A');
    assert.equal(await readFile(join(root, 'gone.txt'), 'utf8'), 'G', 'nor is a deletion of the batch made');
    assert.equal(fs.existsSync(join(root, 'b.txt')), false);
    assert.deepEqual(await temps(root), []);
    assert.deepEqual(openUnder(root), []);
  });

  it('a file that cannot be created in the second chunk (a full disk): the staging throws its error, leaves no temporary file and no descriptor open', async () => {
    const realOpenSync = fs.openSync;
    let created = 0;
    // The disk fills up at the 91st temporary file.
    fsAny.openSync = (file: string, ...rest: unknown[]) => {
      if (String(file).includes('.savepoint-') && ++created === 91) throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' });
      return (realOpenSync as unknown as (...a: unknown[]) => number)(file, ...rest);
    };
    const ws = new NodeWorkspace(root);
    try {
      await assert.rejects(ws.stageFiles(Array.from({ length: 100 }, (_, i) => ({ path: `f${i}.txt`, bytes: Buffer.from(`${i}`) }))), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
    } finally {
      fsAny.openSync = realOpenSync;
    }
    assert.equal(created, 91, 'no file is created after the failure');
    assert.deepEqual(await temps(root), []);
    assert.deepEqual(await readdir(root), []);
    assert.deepEqual(openUnder(root), []);
  });

  it('a large file (past 256 KB) is written and synced before the staging resolves: one that cannot be fails the staging itself, leaving nothing', async () => {
    const fsp = fs.promises as unknown as Record<string, unknown>;
    const realOpen = fs.promises.open;
    fsp.open = async (file: string, ...rest: unknown[]) => {
      if (String(file).includes('.savepoint-')) throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' });
      return (realOpen as unknown as (...a: unknown[]) => Promise<unknown>)(file, ...rest);
    };
    const ws = new NodeWorkspace(root);
    try {
      await assert.rejects(ws.stageFiles([{ path: 'small.txt', bytes: Buffer.from('s') }, { path: 'big.bin', bytes: Buffer.alloc(300 * 1024, 7) }]), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
    } finally {
      fsp.open = realOpen;
    }
    assert.deepEqual(await readdir(root), []);
    assert.deepEqual(openUnder(root), []);
  });

  it('a discard waits for the syncs under way, then removes every temporary file', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    fsAny.fsync = (fd: number, cb: Callback) => realFsync(fd, (e) => void held.then(() => cb(e)));
    const ws = new NodeWorkspace(root);
    const staged = await ws.stageFiles([{ path: 'x.txt', bytes: Buffer.from('x') }]);
    assert.equal((await temps(root)).length, 1);
    let discarded = false;
    const discarding = staged.discard().then(() => (discarded = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(discarded, false, 'the discard waits for the sync');
    release();
    await discarding;
    assert.deepEqual(await temps(root), []);
    assert.equal(fs.existsSync(join(root, 'x.txt')), false);
  });
});
