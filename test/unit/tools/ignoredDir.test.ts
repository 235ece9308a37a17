import assert from 'node:assert/strict';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { listFilesTool } from '../../../src/core/tools/listFiles';
import { searchTextTool } from '../../../src/core/tools/searchText';
import { call, scratch, toolContext } from './toolHarness';

/** A folder .gitignore leaves out (a dependency's sources, a build output) that the model names itself. */
describe('list_files and search_text in a folder the model names that .gitignore ignores', () => {
  const tmp = scratch('ignored-dir');
  afterEach(() => tmp.cleanup());

  async function setup() {
    const root = await tmp.make({
      '.gitignore': 'node_modules/\ndist\n*.log\n',
      'node_modules/lib/src/index.js': 'export const needle = 1;\n',
      'node_modules/lib/.gitignore': 'cache/\n',
      'node_modules/lib/cache/x.js': 'needle in a cache\n',
      'node_modules/lib/node_modules/dep/a.js': 'needle in a nested dependency\n',
      'dist/out.js': 'needle in the build\n',
      'src/a.js': 'no match here\n',
    });
    return toolContext(new NodeWorkspace(root));
  }

  it('lists the named folder (its own .gitignore still applies), and says it is ignored', async () => {
    const ctx = await setup();
    const r = await call(listFilesTool, { dir: 'node_modules/lib', recursive: true }, ctx);
    assert.equal(r.output?.content, 'node_modules/lib/src/\nnode_modules/lib/src/index.js\nnode_modules/lib/.gitignore\n[node_modules/lib is ignored by .gitignore; listed because you named it.]');
    const dist = await call(listFilesTool, { dir: 'dist' }, ctx);
    assert.equal(dist.output?.content, 'dist/out.js\n[dist is ignored by .gitignore; listed because you named it.]');
  });

  it('searches the named folder instead of answering no matches', async () => {
    const ctx = await setup();
    const r = await call(searchTextTool, { pattern: 'needle', dir: 'node_modules/lib' }, ctx);
    assert.equal(r.output?.content, 'node_modules/lib/src/index.js:1: export const needle = 1;\n[node_modules/lib is ignored by .gitignore; searched because you named it.]');
    const dist = await call(searchTextTool, { pattern: 'needle', dir: 'dist' }, ctx);
    assert.equal(dist.output?.content, 'dist/out.js:1: needle in the build\n[dist is ignored by .gitignore; searched because you named it.]');
  });

  it('still leaves ignored folders out of a search or listing of the workspace', async () => {
    const ctx = await setup();
    const r = await call(searchTextTool, { pattern: 'needle' }, ctx);
    assert.match(r.output!.content, /^No matches/);
    assert.equal((await call(listFilesTool, {}, ctx)).output?.content, 'src/\n.gitignore');
  });
});
