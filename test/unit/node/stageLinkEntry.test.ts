import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { WorkspaceError } from '../../../src/core/ports/workspace';

/**
 * A symlink leading out of the workspace is an entry a rewind may remove or replace (`replaceLink`,
 * `link`): the link itself goes, wherever it leads, and what it leads to is never read nor written.
 * Without `replaceLink`, a deletion through such a link is still refused, and a link whose folder
 * leads out is refused either way.
 */
describe('NodeWorkspace staging: a symlink out of the workspace removed or replaced as an entry (POSIX)', () => {
  let root: string;
  let outside: string;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-linkentry-'));
    outside = await mkdtemp(join(tmpdir(), 'savepoint-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'secret\n');
    await symlink(join(outside, 'secret.txt'), join(root, 'out'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
  const ws = () => new NodeWorkspace(root);

  it('removes the link itself with replaceLink, and refuses a plain deletion through it', async () => {
    await assert.rejects(ws().stageFiles([{ path: 'out', bytes: null }]), (e: unknown) => WorkspaceError.is(e, 'OUTSIDE_WORKSPACE'));
    await (await ws().stageFiles([{ path: 'out', bytes: null, replaceLink: true }])).apply();
    assert.equal(await lstat(join(root, 'out')).catch(() => 'absent'), 'absent');
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret\n');
  });

  it('replaces the link by a file or by another link, never writing where it led', async () => {
    await (await ws().stageFiles([{ path: 'out', bytes: Buffer.from('mine\n'), replaceLink: true }])).apply();
    assert.equal((await lstat(join(root, 'out'))).isFile(), true);
    assert.equal(await readFile(join(root, 'out'), 'utf8'), 'mine\n');
    await symlink(join(outside, 'secret.txt'), join(root, 'out2'));
    await (await ws().stageFiles([{ path: 'out2', bytes: null, link: 'out' }])).apply();
    assert.equal(await readlink(join(root, 'out2')), 'out');
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret\n');
  });

  it('refuses an entry whose folder leads out of the workspace', async () => {
    await mkdir(join(outside, 'dir'));
    await symlink(join(outside, 'secret.txt'), join(outside, 'dir', 'l'));
    await symlink(join(outside, 'dir'), join(root, 'dir'));
    await assert.rejects(ws().stageFiles([{ path: 'dir/l', bytes: null, replaceLink: true }]), (e: unknown) => WorkspaceError.is(e, 'OUTSIDE_WORKSPACE'));
    await assert.rejects(ws().stageFiles([{ path: 'dir/l', bytes: null, link: 'x' }]), (e: unknown) => WorkspaceError.is(e, 'OUTSIDE_WORKSPACE'));
    assert.equal(await readlink(join(outside, 'dir', 'l')), join(outside, 'secret.txt'));
  });
});
