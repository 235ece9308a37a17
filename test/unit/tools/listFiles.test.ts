import assert from 'node:assert/strict';
import path from 'node:path';
import { symlink } from 'node:fs/promises';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { listFilesTool } from '../../../src/core/tools/listFiles';
import { call, scratch, toolContext } from './toolHarness';

describe('list_files', () => {
  const tmp = scratch('list');
  afterEach(() => tmp.cleanup());

  async function setup() {
    const root = await tmp.make({
      '.gitignore': 'dist/\n*.log\n',
      'README.md': '',
      'debug.log': '',
      'dist/out.js': '',
      'src/a.ts': '',
      'src/lib/.gitignore': 'gen.ts\n',
      'src/lib/b.ts': '',
      'src/lib/gen.ts': '',
      'node_modules/x/index.js': '',
    });
    return { root, ctx: toolContext(new NodeWorkspace(root)) };
  }

  it('lists the root by default, one level, directories marked with /', async () => {
    const { ctx } = await setup();
    assert.equal((await call(listFilesTool, {}, ctx)).output?.content, 'src/\n.gitignore\nREADME.md');
  });

  it('lists recursively, respecting root and nested .gitignore files', async () => {
    const { ctx } = await setup();
    const r = await call(listFilesTool, { dir: 'src', recursive: true }, ctx);
    assert.equal(r.output?.content, 'src/lib/\nsrc/lib/.gitignore\nsrc/lib/b.ts\nsrc/a.ts');
  });

  it('stops at the limit and says so', async () => {
    const { ctx } = await setup();
    const r = await call(listFilesTool, { recursive: true, limit: 2 }, ctx);
    assert.equal(r.output?.content.split('\n').slice(0, 2).join('\n'), 'src/\nsrc/lib/');
    assert.match(r.output!.content, /Stopped at 2 entries/);
    // The entries of the root the depth-first walk never reached are named.
    assert.match(r.output!.content, /\[Not reached, in \.: \.gitignore, README\.md\]$/);
  });

  it('marks symlinks, and reports errors as ToolErrors', async () => {
    const { root, ctx } = await setup();
    const outside = await tmp.make({ 'x.txt': '' });
    await symlink(outside, path.join(root, 'out'));
    assert.match((await call(listFilesTool, {}, ctx)).output!.content, /^out \(symlink\)$/m);
    assert.equal((await call(listFilesTool, { dir: 'out' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.equal((await call(listFilesTool, { dir: '..' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.equal((await call(listFilesTool, { dir: 'nope' }, ctx)).error?.code, 'NOT_FOUND');
    assert.equal((await call(listFilesTool, { dir: 'README.md' }, ctx)).error?.code, 'INVALID_INPUT');
    assert.equal((await call(listFilesTool, { limit: 0 }, ctx)).error?.code, 'INVALID_INPUT');
  });
});
