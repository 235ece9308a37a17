import assert from 'node:assert/strict';
import { open, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { deleteFileTool } from '../../../src/core/tools/deleteFile';
import { editFileTool } from '../../../src/core/tools/editFile';
import { readFileTool } from '../../../src/core/tools/readFile';
import { TOOL_FILE_MAX_BYTES } from '../../../src/core/tools/toolSupport';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { call, scratch, toolContext } from './toolHarness';

describe('file tools: the .git folder, files too large to hold, names too long', () => {
  const tmp = scratch('gitdir');
  afterEach(() => tmp.cleanup());

  it('refuse to write, edit or delete in .git (any letter case, nested, or through a symlink), and still read there', async () => {
    const root = await tmp.make({ '.git/config': '[core]\n', 'sub/.git': 'gitdir: ../.git/modules/sub\n', 'a.txt': 'a\n' });
    const ctx = toolContext(new NodeWorkspace(root));
    await symlink('.git', path.join(root, 'repo'));
    const tries = [
      [writeFileTool, { path: '.git/config', content: 'x' }],
      [writeFileTool, { path: '.git/hooks/pre-commit', content: 'x' }],
      [writeFileTool, { path: '.GIT/config', content: 'x' }],
      [writeFileTool, { path: 'sub/.git', content: 'x' }],
      [writeFileTool, { path: 'repo/config', content: 'x' }],
      [editFileTool, { path: '.git/config', old_text: 'core', new_text: 'x' }],
      [deleteFileTool, { path: '.git/config' }],
      [deleteFileTool, { path: './sub/../.git/config' }],
    ] as const;
    for (const [tool, input] of tries) {
      const r = await call(tool, input, ctx);
      assert.equal(r.error?.code, 'INVALID_INPUT', `${tool.name} ${JSON.stringify(input)}`);
      assert.match(r.error!.message, /\.git folder.*run_command/);
    }
    assert.equal(await readFile(path.join(root, '.git/config'), 'utf8'), '[core]\n');
    assert.equal((await call(readFileTool, { path: '.git/config' }, ctx)).output?.content, '[core]\n');
    // A name that only contains .git is an ordinary file.
    assert.equal((await call(writeFileTool, { path: '.gitignore', content: 'x\n' }, ctx)).error, undefined);
    assert.equal((await call(writeFileTool, { path: 'docs/.github/x.md', content: 'x\n' }, ctx)).error, undefined);
  });

  it('refuse a file past the size they hold in memory with a tool error naming run_command, instead of failing the step', async () => {
    const root = await tmp.make();
    const ctx = toolContext(new NodeWorkspace(root));
    // Sparse: 3 GiB on paper, nothing on disk; Node itself cannot read past 2 GiB at once.
    const fh = await open(path.join(root, 'huge.log'), 'w');
    await fh.truncate(3 * 1024 ** 3);
    await fh.close();
    assert.ok(3 * 1024 ** 3 > TOOL_FILE_MAX_BYTES);
    const tries = [
      [readFileTool, { path: 'huge.log', start_line: 1, end_line: 10 }, /sed -n/],
      [editFileTool, { path: 'huge.log', old_text: 'a', new_text: 'b' }, /run_command/],
      [writeFileTool, { path: 'huge.log', content: 'x' }, /run_command/],
      [deleteFileTool, { path: 'huge.log' }, /rm/],
    ] as const;
    for (const [tool, input, hint] of tries) {
      const r = await call(tool, input, ctx);
      assert.equal(r.error?.code, 'INVALID_INPUT', tool.name);
      assert.match(r.error!.message, /huge\.log is 3072\.0 MB, more than the 64\.0 MB/);
      assert.match(r.error!.message, hint);
    }
  });

  it('answer a name longer than the file system takes with a tool error, instead of failing the step', async () => {
    const ctx = toolContext(new NodeWorkspace(await tmp.make({ 'a.txt': 'a\n' })));
    const name = `${'x'.repeat(300)}.txt`;
    for (const [tool, input] of [
      [readFileTool, { path: name }],
      [writeFileTool, { path: `dir/${name}`, content: 'x' }],
      [editFileTool, { path: name, old_text: 'a', new_text: 'b' }],
      [deleteFileTool, { path: name }],
    ] as const) {
      const r = await call(tool, input, ctx);
      assert.equal(r.error?.code, 'INVALID_INPUT', tool.name);
      assert.match(r.error!.message, /too long|longer than the 255 bytes/);
    }
  });
});
