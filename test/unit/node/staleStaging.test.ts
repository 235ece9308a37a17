import assert from 'node:assert/strict';
import { lstat, lutimes, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { STALE_STAGING_MS, STALE_SWEEP_EVERY_MS, sweepStaleStaging, sweepStaleStagingWhenDue } from '../../../src/core/node/staleStaging';
import { isStagingName } from '../../../src/core/node/stagedFiles';

const MIN = 60_000;
/** Names as `NodeWorkspace.stageFiles` makes them: with a tag, without one, past the 65536th file of a batch. */
const TAGGED = '.savepoint-45a7ebc9ae3cca8b-1dddf9464c8e84240002.tmp';
const UNTAGGED = '.savepoint-1dddf9464c8e84240000.tmp';
const LONG = '.savepoint-edit1-1dddf9464c8e842410000.tmp';

describe('sweepStaleStaging: the staged files no record names, by exact name and age', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-stale-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A file at `rel` written `minutesAgo` ago. */
  async function put(rel: string, minutesAgo: number, text = 'x'): Promise<void> {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
    const then = (Date.now() - minutesAgo * MIN) / 1000;
    await utimes(join(root, rel), then, then);
  }
  const left = async () => (await readdir(root, { recursive: true })).map((p) => p.split('\\').join('/')).sort();

  it('removes staged files 10 minutes old or more, at any depth, and nothing else', async () => {
    await put(TAGGED, 11);
    await put(`src/deep/${UNTAGGED}`, 60 * 24);
    await put(`src/${LONG}`, 10);
    await put('src/a.ts', 60);
    assert.deepEqual(await sweepStaleStaging(root), [`src/${LONG}`, `src/deep/${UNTAGGED}`, TAGGED].sort());
    assert.deepEqual(await left(), ['src', 'src/a.ts', 'src/deep']);
  });

  it('keeps a fresh staged file: another process may be about to rename it', async () => {
    await put(TAGGED, 0);
    await put(`src/${UNTAGGED}`, 9);
    assert.deepEqual(await sweepStaleStaging(root), []);
    assert.deepEqual(await left(), [TAGGED, 'src', `src/${UNTAGGED}`].sort());
    // The same files, the clock 10 minutes on.
    assert.deepEqual(await sweepStaleStaging(root, { now: Date.now() + STALE_STAGING_MS + MIN }), [TAGGED, `src/${UNTAGGED}`].sort());
  });

  it('keeps a staged file whose mtime is in the future (a clock set back)', async () => {
    await put(TAGGED, -30);
    assert.deepEqual(await sweepStaleStaging(root), []);
  });

  it("keeps a user's old files named like staged ones", async () => {
    const mine = [
      '.savepoint-notes.tmp',
      '.savepoint-backup-1.tmp',
      '.savepoint-1dddf9464c8e8424000.tmp',
      '.savepoint-ABCDEF0123456789ABCD.tmp',
      'savepoint-1dddf9464c8e84240000.tmp',
      '.savepoint-1dddf9464c8e84240000.tmp.bak',
      '.savepoint-1dddf9464c8e84240000.txt',
      '.savepoint-my_tag-1dddf9464c8e84240000.tmp',
      'x.savepoint-1dddf9464c8e84240000.tmp',
    ];
    for (const name of mine) await put(`src/${name}`, 60 * 24);
    // A folder with a staged file's name is never one.
    await mkdir(join(root, 'lib', UNTAGGED), { recursive: true });
    await put(`lib/${UNTAGGED}/keep.txt`, 60);
    assert.deepEqual(await sweepStaleStaging(root), []);
    assert.equal((await left()).length, mine.length + 4);
  });

  it('removes a stale staged link itself, never what it leads to', async function () {
    if (process.platform === 'win32') this.skip();
    await put('target.txt', 60);
    await symlink('target.txt', join(root, UNTAGGED));
    const then = (Date.now() - 11 * MIN) / 1000;
    await lutimes(join(root, UNTAGGED), then, then);
    assert.deepEqual(await sweepStaleStaging(root), [UNTAGGED]);
    assert.deepEqual(await left(), ['target.txt']);
  });

  it('does not enter .git, node_modules, nor a symlinked folder', async () => {
    await put(`.git/${UNTAGGED}`, 60);
    await put(`node_modules/p/${UNTAGGED}`, 60);
    const outside = await mkdtemp(join(tmpdir(), 'savepoint-stale-out-'));
    try {
      await writeFile(join(outside, UNTAGGED), 'x');
      const then = (Date.now() - 60 * MIN) / 1000;
      await utimes(join(outside, UNTAGGED), then, then);
      if (process.platform !== 'win32') await symlink(outside, join(root, 'linked'));
      assert.deepEqual(await sweepStaleStaging(root), []);
      assert.ok(await lstat(join(outside, UNTAGGED)));
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('knows the names stageFiles makes, with and without a tag, and a link', async () => {
    const ws = new NodeWorkspace(root);
    await put('a.txt', 0);
    const link = process.platform === 'win32' ? [] : [{ path: 'l', bytes: null, link: 'a.txt' }];
    const staged = await ws.stageFiles([{ path: 'a.txt', bytes: Buffer.from('new') }, ...link], { tag: 'abc123' });
    const untagged = await ws.stageFiles([{ path: 'b.txt', bytes: Buffer.from('b') }]);
    const names = (await readdir(root)).filter((n) => n.startsWith('.savepoint-'));
    assert.equal(names.length, 2 + link.length);
    for (const n of names) assert.ok(isStagingName(n), n);
    await staged.discard();
    await untagged.discard();
  });

  describe('sweepStaleStagingWhenDue: the walk at most once a day, by a marker beside the store', () => {
    const marker = () => join(root, 'store-capture-log', 'staging-swept');

    it('walks when no walk is remembered, then not again within the day; the day after, it does', async () => {
      await put(TAGGED, 11);
      assert.deepEqual(await sweepStaleStagingWhenDue(root, marker()), [TAGGED]);
      await put(`src/${UNTAGGED}`, 60);
      assert.equal(await sweepStaleStagingWhenDue(root, marker()), undefined, 'a second command the same day walks the workspace again');
      assert.ok((await left()).includes(`src/${UNTAGGED}`));
      assert.deepEqual(await sweepStaleStagingWhenDue(root, marker(), { now: Date.now() + STALE_SWEEP_EVERY_MS + MIN }), [`src/${UNTAGGED}`]);
    });

    it('walks again at the next start while a staged file it saw was too young to remove, and removes it once stale', async () => {
      await put(`src/${UNTAGGED}`, 2);
      assert.deepEqual(await sweepStaleStagingWhenDue(root, marker()), []);
      await assert.rejects(lstat(marker()), 'a walk that kept a young staged file is remembered: a crash\'s leftover would stay a day');
      assert.deepEqual(await sweepStaleStagingWhenDue(root, marker(), { now: Date.now() + STALE_STAGING_MS }), [`src/${UNTAGGED}`]);
      assert.ok(await lstat(marker()));
    });

    it('walks when the remembered walk is in the future (a clock set back)', async () => {
      assert.deepEqual(await sweepStaleStagingWhenDue(root, marker(), { now: Date.now() + 60 * MIN }), []);
      await put(TAGGED, 11);
      assert.deepEqual(await sweepStaleStagingWhenDue(root, marker()), [TAGGED]);
    });
  });
});
