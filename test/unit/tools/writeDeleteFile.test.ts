import assert from 'node:assert/strict';
import { chmod, readdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { deleteFileTool } from '../../../src/core/tools/deleteFile';
import { editFileTool } from '../../../src/core/tools/editFile';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { call, scratch, text, toolContext } from './toolHarness';

describe('write_file and delete_file', () => {
  const tmp = scratch('write');
  afterEach(() => tmp.cleanup());

  async function setup() {
    const root = await tmp.make({ 'a.txt': 'old', 'src/b.ts': 'B', 'emptydir/': '' });
    return { root, ctx: toolContext(new NodeWorkspace(root)) };
  }

  it('write_file creates a file (and its directories) with before null', async () => {
    const { root, ctx } = await setup();
    const r = await call(writeFileTool, { path: 'new/deep/c.ts', content: 'export {};\n' }, ctx);
    assert.deepEqual(r.changes?.map((c) => [c.path, c.before, text(c.after)]), [['new/deep/c.ts', null, 'export {};\n']]);
    assert.equal(await readFile(path.join(root, 'new/deep/c.ts'), 'utf8'), 'export {};\n');
  });

  it('write_file overwrites with the old bytes as before, and may write an empty file', async () => {
    const { root, ctx } = await setup();
    const r = await call(writeFileTool, { path: 'a.txt', content: '' }, ctx);
    assert.equal(text(r.changes?.[0]?.before), 'old');
    assert.equal(text(r.changes?.[0]?.after), '');
    assert.equal((await stat(path.join(root, 'a.txt'))).size, 0);
  });

  it('write_file refuses directories, paths under a file, .. and symlink escapes, writing nothing', async () => {
    const { root, ctx } = await setup();
    const outside = await tmp.make({ 'dir/x.txt': 'X', 'f.txt': 'F' });
    await symlink(path.join(outside, 'dir'), path.join(root, 'outdir'));
    await symlink(path.join(outside, 'f.txt'), path.join(root, 'outfile.txt'));
    assert.equal((await call(writeFileTool, { path: 'src', content: 'x' }, ctx)).error?.code, 'IS_DIRECTORY');
    assert.equal((await call(writeFileTool, { path: 'a.txt/child.txt', content: 'x' }, ctx)).error?.code, 'INVALID_INPUT');
    for (const p of ['../evil.txt', 'src/../../evil.txt', 'outdir/x.txt', 'outdir/new.txt', 'outfile.txt', path.join(outside, 'f.txt')]) {
      assert.equal((await call(writeFileTool, { path: p, content: 'pwned' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE', p);
    }
    assert.equal(await readFile(path.join(outside, 'dir/x.txt'), 'utf8'), 'X');
    assert.equal(await readFile(path.join(outside, 'f.txt'), 'utf8'), 'F');
    assert.deepEqual((await readdir(outside)).sort(), ['dir', 'f.txt']);
    assert.deepEqual(await readdir(path.join(outside, 'dir')), ['x.txt']);
    assert.equal((await call(writeFileTool, { path: 'a.txt' }, ctx)).error?.code, 'INVALID_INPUT');
  });

  it('a path ending in a slash names a folder: write_file, edit_file and delete_file refuse it, writing nothing', async () => {
    const { root, ctx } = await setup();
    const made = await call(writeFileTool, { path: 'newdir/', content: 'x' }, ctx);
    assert.equal(made.error?.code, 'INVALID_INPUT');
    assert.match(made.error!.message, /^newdir\/ ends with a slash, so it names a folder, not a file\. Give the file's path, such as newdir\/name\.ext\.$/);
    assert.equal((await call(writeFileTool, { path: 'a.txt/', content: 'x' }, ctx)).error?.code, 'INVALID_INPUT');
    assert.equal((await call(editFileTool, { path: 'a.txt/', old_text: 'old', new_text: 'new' }, ctx)).error?.code, 'INVALID_INPUT');
    assert.equal((await call(deleteFileTool, { path: 'a.txt/' }, ctx)).error?.code, 'INVALID_INPUT');
    assert.deepEqual((await readdir(root)).sort(), ['a.txt', 'emptydir', 'src']);
    assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'old');
  });

  it('delete_file deletes a file with its bytes as before', async () => {
    const { root, ctx } = await setup();
    const r = await call(deleteFileTool, { path: 'src/b.ts' }, ctx);
    assert.deepEqual(r.changes?.map((c) => [c.path, text(c.before), c.after, c.beforeExec]), [['src/b.ts', 'B', null, false]]);
    await assert.rejects(stat(path.join(root, 'src/b.ts')));
  });

  it('delete_file records that the file it deletes is executable, and its permission bits, for a rewind that re-creates it (POSIX)', async function () {
    if (process.platform === 'win32') this.skip();
    const { root, ctx } = await setup();
    await chmod(path.join(root, 'a.txt'), 0o755);
    const r = await call(deleteFileTool, { path: 'a.txt' }, ctx);
    assert.deepEqual(r.changes?.map((c) => [c.path, c.beforeExec, c.beforeMode]), [['a.txt', true, 0o755]]);
    // And its permission bits: a private file comes back private.
    await chmod(path.join(root, 'src/b.ts'), 0o600);
    const b = await call(deleteFileTool, { path: 'src/b.ts' }, ctx);
    assert.deepEqual(b.changes?.map((c) => [c.path, c.beforeExec, c.beforeMode]), [['src/b.ts', false, 0o600]]);
  });

  it('delete_file says NOT_FOUND, IS_DIRECTORY, OUTSIDE_WORKSPACE', async () => {
    const { root, ctx } = await setup();
    const outside = await tmp.make({ 'f.txt': 'F' });
    await symlink(path.join(outside, 'f.txt'), path.join(root, 'outfile.txt'));
    assert.equal((await call(deleteFileTool, { path: 'nope.txt' }, ctx)).error?.code, 'NOT_FOUND');
    assert.equal((await call(deleteFileTool, { path: 'emptydir' }, ctx)).error?.code, 'IS_DIRECTORY');
    assert.equal((await call(deleteFileTool, { path: '.' }, ctx)).error?.code, 'IS_DIRECTORY');
    assert.equal((await call(deleteFileTool, { path: '../f.txt' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.equal((await call(deleteFileTool, { path: 'outfile.txt' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.equal(await readFile(path.join(outside, 'f.txt'), 'utf8'), 'F');
  });
});
