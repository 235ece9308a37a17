import assert from 'node:assert/strict';
import { chmod, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { deleteFileTool } from '../../../src/core/tools/deleteFile';
import { editFileTool } from '../../../src/core/tools/editFile';
import { ToolError, type Tool } from '../../../src/core/tools/tool';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { scratch, toolContext } from './toolHarness';

describe('file tools and write permission (checked when the change is planned)', function () {
  // Root ignores permissions, and Windows folders have no write bit: nothing to check there.
  if (process.platform === 'win32') return;
  before(function () {
    if (process.getuid?.() === 0) this.skip();
  });
  const tmp = scratch('perm');
  let root = '';
  afterEach(async () => {
    await chmod(path.join(root, 'locked'), 0o755).catch(() => undefined);
    await tmp.cleanup();
  });

  async function setup() {
    root = await tmp.make({ 'locked/a.txt': 'a\n', 'ro.txt': 'read only\n', 'ok.txt': 'ok\n' });
    await chmod(path.join(root, 'locked'), 0o555);
    await chmod(path.join(root, 'ro.txt'), 0o444);
    return toolContext(new NodeWorkspace(root));
  }

  async function planError(tool: Tool, input: unknown, ctx: ReturnType<typeof toolContext>): Promise<ToolError> {
    try {
      const changes = await tool.plan!(input, ctx);
      assert.fail(`${tool.name} ${JSON.stringify(input)} was planned: ${JSON.stringify(changes.map((c) => c.path))}`);
    } catch (e) {
      if (!ToolError.is(e)) throw e;
      return e;
    }
  }

  it('refuses write_file, edit_file and delete_file in a folder without write permission, naming the folder', async () => {
    const ctx = await setup();
    const calls: [Tool, unknown][] = [
      [writeFileTool, { path: 'locked/a.txt', content: 'new\n' }],
      [writeFileTool, { path: 'locked/new/b.txt', content: 'new\n' }],
      [editFileTool, { path: 'locked/a.txt', old_text: 'a', new_text: 'b', replace_all: false }],
      [deleteFileTool, { path: 'locked/a.txt' }],
    ];
    for (const [tool, input] of calls) {
      const e = await planError(tool, input, ctx);
      assert.equal(e.code, 'FAILED', `${tool.name}: ${e.message}`);
      assert.match(e.message, /the folder locked is not writable/, `${tool.name}: ${e.message}`);
    }
    assert.equal(await readFile(path.join(root, 'locked/a.txt'), 'utf8'), 'a\n');
    assert.deepEqual(await readdir(path.join(root, 'locked')), ['a.txt']);
  });

  it('refuses write_file and edit_file on a read-only file, naming it', async () => {
    const ctx = await setup();
    for (const [tool, input] of [
      [writeFileTool, { path: 'ro.txt', content: 'new\n' }],
      [editFileTool, { path: 'ro.txt', old_text: 'read', new_text: 'write', replace_all: false }],
    ] as [Tool, unknown][]) {
      const e = await planError(tool, input, ctx);
      assert.equal(e.code, 'FAILED');
      assert.match(e.message, /ro\.txt is read-only/, `${tool.name}: ${e.message}`);
    }
    assert.equal(await readFile(path.join(root, 'ro.txt'), 'utf8'), 'read only\n');
  });

  it('still plans a change where the folder and the file are writable', async () => {
    const ctx = await setup();
    const [change] = await writeFileTool.plan!({ path: 'ok.txt', content: 'changed\n' }, ctx);
    assert.equal(change?.path, 'ok.txt');
    const [made] = await writeFileTool.plan!({ path: 'fresh/dir/c.txt', content: 'c\n' }, ctx);
    assert.equal(made?.path, 'fresh/dir/c.txt');
  });
});
