import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { WorkspaceError } from '../../../src/core/ports/workspace';
import { mkfifo } from '../tools/fifo';
import { scratch } from '../tools/toolHarness';

const bytes = (s: string) => new TextEncoder().encode(s);

async function rejectsWith(p: Promise<unknown>, code: WorkspaceError['code']): Promise<void> {
  await assert.rejects(p, (e: unknown) => WorkspaceError.is(e, code) || assert.fail(`expected ${code}, got ${String(e)}`));
}

describe('NodeWorkspace', () => {
  const tmp = scratch('ws');
  let root: string;
  let outside: string;
  let ws: NodeWorkspace;

  beforeEach(async () => {
    root = await tmp.make({ 'a.txt': 'A', 'src/b.ts': 'B', 'src/deep/c.ts': 'C' });
    outside = await tmp.make({ 'secret.txt': 'S', 'dir/x.txt': 'X' });
    ws = new NodeWorkspace(root);
  });
  afterEach(() => tmp.cleanup());

  describe('confinement', () => {
    it('reads inside, by relative, ./ and absolute paths', async () => {
      assert.equal(Buffer.from((await ws.readFile('src/b.ts'))!).toString(), 'B');
      assert.equal(Buffer.from((await ws.readFile('./src/../a.txt'))!).toString(), 'A');
      assert.equal(Buffer.from((await ws.readFile(path.join(root, 'src/deep/c.ts')))!).toString(), 'C');
      assert.equal(await ws.readFile('missing.txt'), undefined);
    });

    it('refuses .. and absolute paths that leave the root, before touching anything', async () => {
      await rejectsWith(ws.readFile('../x'), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.readFile('src/../../x'), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.readFile(path.join(outside, 'secret.txt')), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.writeFile(`../${path.basename(outside)}/new.txt`, bytes('no')), 'OUTSIDE_WORKSPACE');
      assert.deepEqual((await readdir(outside)).sort(), ['dir', 'secret.txt']);
      await rejectsWith(ws.readFile(''), 'INVALID_PATH');
      await rejectsWith(ws.readFile('a\0b'), 'INVALID_PATH');
    });

    it('refuses a symlinked directory that points outside, for read, write, list and delete', async () => {
      await symlink(path.join(outside, 'dir'), path.join(root, 'out'));
      await rejectsWith(ws.readFile('out/x.txt'), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.writeFile('out/x.txt', bytes('pwned')), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.writeFile('out/new/deeper.txt', bytes('pwned')), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.list('out'), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.deleteFile('out/x.txt'), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.stat('out'), 'OUTSIDE_WORKSPACE');
      assert.equal(await readFile(path.join(outside, 'dir/x.txt'), 'utf8'), 'X');
      assert.deepEqual(await readdir(path.join(outside, 'dir')), ['x.txt']);
    });

    it('refuses a symlinked file that points outside, and a dangling one', async () => {
      await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
      await symlink(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling.txt'));
      await rejectsWith(ws.readFile('link.txt'), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.writeFile('link.txt', bytes('pwned')), 'OUTSIDE_WORKSPACE');
      await rejectsWith(ws.writeFile('dangling.txt', bytes('pwned')), 'OUTSIDE_WORKSPACE');
      assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), 'S');
      await assert.rejects(stat(path.join(outside, 'not-yet.txt')));
    });

    it('follows symlinks that stay inside, and writes their target', async () => {
      await symlink('src', path.join(root, 'srclink'));
      await symlink('a.txt', path.join(root, 'alink.txt'));
      assert.equal(Buffer.from((await ws.readFile('srclink/b.ts'))!).toString(), 'B');
      await ws.writeFile('alink.txt', bytes('A2'));
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A2');
      assert.ok((await lstat(path.join(root, 'alink.txt'))).isSymbolicLink());
      assert.equal(await ws.resolve('srclink/b.ts'), path.join(await ws.resolve('.'), 'src/b.ts'));
    });

    it('reports a symlink loop as an invalid path', async () => {
      await symlink('loop2', path.join(root, 'loop1'));
      await symlink('loop1', path.join(root, 'loop2'));
      await rejectsWith(ws.readFile('loop1'), 'INVALID_PATH');
    });
  });

  describe('writeFile', () => {
    it('creates parents, overwrites atomically and leaves no temporary file', async () => {
      await ws.writeFile('new/dir/f.txt', bytes('hello'));
      assert.equal(await readFile(path.join(root, 'new/dir/f.txt'), 'utf8'), 'hello');
      await ws.writeFile('new/dir/f.txt', bytes('bye'));
      assert.equal(await readFile(path.join(root, 'new/dir/f.txt'), 'utf8'), 'bye');
      assert.deepEqual(await readdir(path.join(root, 'new/dir')), ['f.txt']);
    });

    it('keeps the permission bits of an existing file', async () => {
      const f = path.join(root, 'run.sh');
      await ws.writeFile('run.sh', bytes('#!/bin/sh\n'));
      await chmod(f, 0o751);
      await ws.writeFile('run.sh', bytes('#!/bin/sh\necho hi\n'));
      assert.equal((await stat(f)).mode & 0o777, 0o751);
      assert.equal(await readFile(f, 'utf8'), '#!/bin/sh\necho hi\n');
    });

    it('refuses a directory and a path under a file', async () => {
      await rejectsWith(ws.writeFile('src', bytes('x')), 'IS_DIRECTORY');
      await rejectsWith(ws.writeFile('a.txt/child', bytes('x')), 'NOT_DIRECTORY');
      await rejectsWith(ws.writeFile('a.txt/deeper/child', bytes('x')), 'NOT_DIRECTORY');
    });
  });

    it('small files take the synchronous path and large ones the promise path, byte-exact both ways, with modes kept', async () => {
      // 256 KB is where the two paths meet: one byte under, at, and over it, and a few megabytes.
      for (const size of [0, 1, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 3 * 1024 * 1024 + 7]) {
        const content = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
        const f = path.join(root, `sized/${size}.bin`);
        await ws.writeFile(`sized/${size}.bin`, content);
        await chmod(f, 0o640);
        assert.deepEqual(Buffer.from((await readFile(f)) as Uint8Array), Buffer.from(content), `written, ${size} bytes`);
        const again = content.map((b) => b ^ 0x5a);
        await ws.writeFile(`sized/${size}.bin`, again);
        assert.equal((await stat(f)).mode & 0o777, 0o640, `mode kept, ${size} bytes`);
        assert.ok(Buffer.from((await ws.readFile(`sized/${size}.bin`))!).equals(Buffer.from(again)), `read back, ${size} bytes`);
      }
      assert.equal((await readdir(path.join(root, 'sized'))).filter((n) => n.endsWith('.tmp')).length, 0);
      await rejectsWith(ws.readFile('src'), 'IS_DIRECTORY');
    });

    it('refuses a named pipe at once (NOT_A_FILE) instead of waiting for a writer', async function () {
      if (!(await mkfifo(path.join(root, 'pipe')))) this.skip();
      // In a child process: a read that waits for a writer would hang this one, timeouts and all.
      const script = `const { NodeWorkspace } = require(${JSON.stringify(require.resolve('../../../src/core/node/nodeWorkspace'))});
        const ws = new NodeWorkspace(${JSON.stringify(root)});
        ws.readFile('pipe').then(() => console.log('read'), (e) => ws.readFile('a.txt').then((b) => console.log(e.code, Buffer.from(b).toString())));`;
      const r = spawnSync(process.execPath, ['-e', script], { timeout: 10_000, encoding: 'utf8' });
      assert.equal(r.error, undefined, 'the read waited for a writer (the child was stopped after 10 s)');
      assert.equal(r.stdout.trim(), 'NOT_A_FILE A', r.stderr);
    });

  describe('writeFiles', () => {
    it('writes, creates and deletes several files at once, keeping modes and leaving no temporary file', async () => {
      await chmod(path.join(root, 'src/b.ts'), 0o640);
      await ws.writeFiles([
        { path: 'a.txt', bytes: bytes('A2') },
        { path: 'src/b.ts', bytes: bytes('B2') },
        { path: 'src/deep/c.ts', bytes: null },
        { path: 'fresh/dir/d.ts', bytes: bytes('') },
        { path: 'never-there.txt', bytes: null },
      ]);
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A2');
      assert.equal(await readFile(path.join(root, 'src/b.ts'), 'utf8'), 'B2');
      assert.equal((await stat(path.join(root, 'src/b.ts'))).mode & 0o777, 0o640);
      assert.equal(await readFile(path.join(root, 'fresh/dir/d.ts'), 'utf8'), '');
      assert.deepEqual(await readdir(path.join(root, 'src/deep')), []);
      assert.deepEqual((await readdir(root)).sort(), ['a.txt', 'fresh', 'src']);
      assert.deepEqual((await readdir(path.join(root, 'src'))).sort(), ['b.ts', 'deep']);
    });

    it('refuses a path given twice before changing anything', async () => {
      await rejectsWith(ws.writeFiles([{ path: 'a.txt', bytes: bytes('1') }, { path: 'src/b.ts', bytes: null }, { path: 'a.txt', bytes: bytes('2') }]), 'INVALID_PATH');
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A');
      assert.equal(await readFile(path.join(root, 'src/b.ts'), 'utf8'), 'B');
    });

    it('a change that cannot be made fails them all before any is made, and leaves no temporary file', async () => {
      const changes = [
        { path: 'a.txt', bytes: bytes('A3') },
        { path: 'src', bytes: bytes('not a dir') },
        { path: `../${path.basename(outside)}/secret.txt`, bytes: bytes('pwned') },
      ];
      await assert.rejects(ws.writeFiles(changes), (e: unknown) => WorkspaceError.is(e));
      assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), 'S');
      assert.equal((await stat(path.join(root, 'src'))).isDirectory(), true);
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A');
      assert.deepEqual((await readdir(root)).filter((n) => n.endsWith('.tmp')), []);
    });

    it('staged changes touch no file until applied, and discarding them leaves nothing behind', async () => {
      const staged = await ws.stageFiles([
        { path: 'a.txt', bytes: bytes('A4') },
        { path: 'src/b.ts', bytes: null },
      ]);
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A');
      assert.equal(await readFile(path.join(root, 'src/b.ts'), 'utf8'), 'B');
      assert.equal((await readdir(root)).filter((n) => n.endsWith('.tmp')).length, 1, 'the new content waits beside its file');
      await staged.discard();
      await staged.discard();
      assert.deepEqual((await readdir(root)).sort(), ['a.txt', 'src']);
      assert.equal(await readFile(path.join(root, 'src/b.ts'), 'utf8'), 'B');
      await assert.rejects(staged.apply(), /already discarded/);

      const again = await ws.stageFiles([{ path: 'a.txt', bytes: bytes('A5') }, { path: 'src/b.ts', bytes: null }]);
      await again.apply();
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A5');
      assert.deepEqual((await readdir(path.join(root, 'src'))).sort(), ['deep']);
      assert.deepEqual((await readdir(root)).filter((n) => n.endsWith('.tmp')), []);
    });

    it('removeStaged removes only the temporary files its tag names, beside the given paths', async () => {
      // A crash between staging and applying: nothing removes these but removeStaged.
      await ws.stageFiles([{ path: 'a.txt', bytes: bytes('A7') }, { path: 'src/deep/c.ts', bytes: bytes('C7') }], { tag: 'abc123' });
      await ws.stageFiles([{ path: 'a.txt', bytes: bytes('other') }], { tag: 'other9' });
      await ws.stageFiles([{ path: 'a.txt', bytes: bytes('untagged') }]);
      const temps = async (dir: string) => (await readdir(path.join(root, dir))).filter((n) => n.endsWith('.tmp')).sort();
      assert.equal((await temps('.')).length, 3);
      assert.match((await temps('src/deep'))[0] ?? '', /^\.savepoint-abc123-[0-9a-f]+\.tmp$/);
      assert.deepEqual(await ws.removeStaged('abc123', ['a.txt', 'src/deep/c.ts', 'gone/x.ts']), { removed: 2, left: 0 });
      assert.deepEqual(await temps('src/deep'), []);
      const left = await temps('.');
      assert.equal(left.length, 2);
      assert.ok(left.every((n) => !n.includes('abc123')));
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A', 'no file of the user is touched');
      assert.deepEqual(await ws.removeStaged('abc123', ['a.txt']), { removed: 0, left: 0 });
      await assert.rejects(ws.stageFiles([{ path: 'a.txt', bytes: bytes('x') }], { tag: '../x' }), /invalid staging tag/);
    });

    it('a file removed between staging and applying: the other changes are made, the error is thrown, no temporary file stays', async () => {
      const staged = await ws.stageFiles([
        { path: 'a.txt', bytes: bytes('A6') },
        { path: 'src/deep/c.ts', bytes: bytes('C6') },
      ]);
      await rm(path.join(root, 'src/deep'), { recursive: true });
      await assert.rejects(staged.apply(), (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT');
      assert.equal(await readFile(path.join(root, 'a.txt'), 'utf8'), 'A6');
      assert.deepEqual((await readdir(root)).filter((n) => n.endsWith('.tmp')), []);
    });
  });

  describe('deleteFile and stat', () => {
    it('deletes a file once, and a symlink itself rather than its target', async () => {
      assert.equal(await ws.deleteFile('a.txt'), true);
      assert.equal(await ws.deleteFile('a.txt'), false);
      await symlink('src/b.ts', path.join(root, 'blink'));
      assert.equal(await ws.deleteFile('blink'), true);
      assert.equal(await readFile(path.join(root, 'src/b.ts'), 'utf8'), 'B');
      await rejectsWith(ws.deleteFile('src'), 'IS_DIRECTORY');
      await rejectsWith(ws.deleteFile('.'), 'IS_DIRECTORY');
    });

    it('stats files and directories, following inside symlinks', async () => {
      await symlink('src', path.join(root, 'srclink'));
      assert.equal((await ws.stat('a.txt'))?.type, 'file');
      assert.equal((await ws.stat('a.txt'))?.size, 1);
      assert.equal((await ws.stat('srclink'))?.type, 'directory');
      assert.equal(await ws.stat('nope'), undefined);
      assert.equal(await ws.stat('a.txt/nope'), undefined);
      assert.equal(await readlink(path.join(root, 'srclink')), 'src');
    });
  });
});

describe('NodeWorkspace on a root that appears later', () => {
  const tmp = scratch('late');
  afterEach(() => tmp.cleanup());

  it('fails while the root is missing, and works once it exists', async () => {
    const parent = await tmp.make();
    const ws = new NodeWorkspace(path.join(parent, 'later'));
    await assert.rejects(ws.readFile('a.txt'));
    await mkdir(path.join(parent, 'later'));
    await ws.writeFile('a.txt', bytes('now'));
    assert.equal(Buffer.from((await ws.readFile('a.txt'))!).toString(), 'now');
  });
});
