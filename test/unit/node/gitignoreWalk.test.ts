import assert from 'node:assert/strict';
import { chmod, symlink } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { WorkspaceError } from '../../../src/core/ports/workspace';
import { scratch, writeTree } from '../tools/toolHarness';

describe('NodeWorkspace.list (.gitignore walk)', () => {
  const tmp = scratch('walk');
  afterEach(() => tmp.cleanup());

  const paths = async (ws: NodeWorkspace, dir: string, recursive = true) => (await ws.list(dir, { recursive })).entries.map((e) => e.path);

  it('lists directories before files, by name, depth-first, and skips .git and node_modules', async () => {
    const root = await tmp.make({ 'b.txt': '', 'a.txt': '', 'z/1.txt': '', 'c/2.txt': '', '.git/HEAD': '', 'node_modules/x/i.js': '', '.env': '' });
    const ws = new NodeWorkspace(root);
    assert.deepEqual(await paths(ws, '.'), ['c', 'c/2.txt', 'z', 'z/1.txt', '.env', 'a.txt', 'b.txt']);
    assert.deepEqual(await paths(ws, '.', false), ['c', 'z', '.env', 'a.txt', 'b.txt']);
    const types = (await ws.list('.')).entries.map((e) => e.type);
    assert.deepEqual(types, ['directory', 'directory', 'file', 'file', 'file']);
  });

  it('applies the root .gitignore, nested ones, anchored rules and negations', async () => {
    const root = await tmp.make({
      '.gitignore': '*.log\n/build\ncache/\n',
      'app.log': '',
      'build/out.js': '',
      'src/build/keep.ts': '',
      'src/cache/x': '',
      'src/cache.txt': '',
      'src/.gitignore': 'generated/\n!important.log\nsecret.ts\n',
      'src/important.log': '',
      'src/other.log': '',
      'src/generated/g.ts': '',
      'src/secret.ts': '',
      'src/main.ts': '',
      'lib/secret.ts': '',
    });
    const ws = new NodeWorkspace(root);
    assert.deepEqual(await paths(ws, '.'), [
      'lib',
      'lib/secret.ts',
      'src',
      'src/build',
      'src/build/keep.ts',
      'src/.gitignore',
      'src/cache.txt',
      'src/important.log',
      'src/main.ts',
      '.gitignore',
    ]);
  });

  it('applies ancestor .gitignore files when listing a subdirectory', async () => {
    const root = await tmp.make({
      '.gitignore': '*.tmp\n',
      'pkg/.gitignore': 'dist\n',
      'pkg/sub/a.tmp': '',
      'pkg/sub/a.ts': '',
      'pkg/sub/dist/x.js': '',
    });
    const ws = new NodeWorkspace(root);
    assert.deepEqual(await paths(ws, 'pkg/sub'), ['pkg/sub/a.ts']);
    assert.deepEqual((await ws.list('pkg/sub', { respectGitignore: false, recursive: true })).entries.map((e) => e.path), [
      'pkg/sub/dist',
      'pkg/sub/dist/x.js',
      'pkg/sub/a.tmp',
      'pkg/sub/a.ts',
    ]);
  });

  it("applies the repository's .git/info/exclude below every .gitignore, also through a worktree's .git file", async () => {
    const root = await tmp.make({
      '.git/info/exclude': '# the user\'s own\nscratch/\n*.local\n',
      '.gitignore': '!keep.local\n',
      'scratch/notes.md': '',
      'a.local': '',
      'keep.local': '',
      'src/b.local': '',
      'src/main.ts': '',
    });
    const ws = new NodeWorkspace(root);
    assert.deepEqual(await paths(ws, '.'), ['src', 'src/main.ts', '.gitignore', 'keep.local']);
    assert.deepEqual(await paths(ws, 'src'), ['src/main.ts']);
    // A worktree: .git is a file naming the worktree's folder, whose commondir leads to the repository that holds info/exclude.
    const repo = await tmp.make({ 'info/exclude': 'scratch/\n', 'worktrees/wt/commondir': '../..\n' });
    const wt = await tmp.make({ 'scratch/x': '', 'main.ts': '' });
    await writeTree(wt, { '.git': `gitdir: ${path.join(repo, 'worktrees/wt')}\n` });
    assert.deepEqual(await paths(new NodeWorkspace(wt), '.'), ['main.ts']);
  });

  it('in a workspace that is a folder of a repository, applies the info/exclude and the .gitignore files from the repository top down', async () => {
    const repo = await tmp.make({
      '.git/info/exclude': 'scratch/\n',
      '.gitignore': 'dist/\n*.log\n/app/built\n',
      'app/.gitignore': '!keep.log\n',
      'app/dist/o.js': '',
      'app/built/b.js': '',
      'app/src/built/keep.ts': '',
      'app/scratch/x': '',
      'app/x.log': '',
      'app/keep.log': '',
      'app/src/a.ts': '',
    });
    const ws = new NodeWorkspace(path.join(repo, 'app'));
    assert.deepEqual(await paths(ws, '.'), ['src', 'src/built', 'src/built/keep.ts', 'src/a.ts', '.gitignore', 'keep.log']);
    assert.deepEqual(await paths(ws, 'src'), ['src/built', 'src/built/keep.ts', 'src/a.ts']);
  });

  it('a .git that is a symlink to the repository folder (git follows it) has its info/exclude read', async () => {
    const repo = await tmp.make({ 'info/exclude': 'scratch/\n' });
    const ws = await tmp.make({ 'scratch/x': '', 'main.ts': '' });
    await symlink(repo, path.join(ws, '.git'));
    assert.deepEqual(await paths(new NodeWorkspace(ws), '.'), ['main.ts']);
  });

  it('stops at the limit and says so', async () => {
    const root = await tmp.make({ 'a/1': '', 'a/2': '', 'b/3': '' });
    const ws = new NodeWorkspace(root);
    const r = await ws.list('.', { recursive: true, limit: 3 });
    assert.deepEqual(r.entries.map((e) => e.path), ['a', 'a/1', 'a/2']);
    assert.equal(r.truncated, true);
    const all = await ws.list('.', { recursive: true, limit: 5 });
    assert.equal(all.truncated, false);
    assert.equal(all.entries.length, 5);
  });

  it('reports symlinks without entering them, even inside', async () => {
    const root = await tmp.make({ 'real/f.txt': '' });
    await symlink('real', path.join(root, 'alias'));
    const ws = new NodeWorkspace(root);
    assert.deepEqual((await ws.list('.', { recursive: true })).entries, [
      { path: 'real', type: 'directory' },
      { path: 'real/f.txt', type: 'file' },
      { path: 'alias', type: 'symlink' },
    ]);
  });

  it('refuses a missing directory and a file', async () => {
    const root = await tmp.make({ 'f.txt': '' });
    const ws = new NodeWorkspace(root);
    await assert.rejects(ws.list('nope'), (e: unknown) => WorkspaceError.is(e, 'NOT_FOUND'));
    await assert.rejects(ws.list('f.txt'), (e: unknown) => WorkspaceError.is(e, 'NOT_DIRECTORY'));
  });

  it('skips an unreadable subdirectory and an unreadable .gitignore instead of failing the listing', async function () {
    if (process.platform === 'win32' || process.getuid?.() === 0) this.skip(); // root reads anything
    const root = await tmp.make({ 'locked/x': '', 'open/y': '' });
    const ws = new NodeWorkspace(root);
    await writeTree(root, { 'open/.gitignore': 'y\n' });
    await chmod(path.join(root, 'open/.gitignore'), 0o000);
    await chmod(path.join(root, 'locked'), 0o000);
    try {
      const listed = await paths(ws, '.');
      assert.ok(listed.includes('open/y'), 'an unreadable .gitignore counts as absent');
      assert.ok(listed.includes('locked'));
    } finally {
      await chmod(path.join(root, 'locked'), 0o755);
    }
  });
});
