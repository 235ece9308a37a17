import assert from 'node:assert/strict';
import { mkdir, writeFile, symlink } from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import { CaptureFilter } from '../../../src/core/node/captureFilter';
import { captureCommand, captureScratch, summary } from './captureHarness';

describe("NodeChangeCapture and .git/info/exclude: a repository made later, no rescope while nothing changes, a linked repository", () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  for (const [mode, options] of [
    ['with the watcher', {}],
    ['without it', { watch: false }],
  ] as const) {
    it(`a repository made (git init) after the capture began: a path then added to its info/exclude stops being captured, ${mode}`, async () => {
      const root = await tmp.workspace({ 'src/a.ts': 'a\n' });
      const capture = tmp.capture(root, options);
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo b >> src/a.ts')), ['src/a.ts modified']);
      await mkdir(path.join(root, '.git/info'), { recursive: true });
      await writeFile(path.join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
      await writeFile(path.join(root, '.git/info/exclude'), 'secrets/\n');
      const set = await captureCommand(capture, root, 'mkdir -p secrets && echo k > secrets/key && echo c >> src/a.ts');
      assert.deepEqual(summary(set), ['src/a.ts modified']);
    });
  }

  it('rootRulesChanged is false on every settle while nothing changes (missing exclude, missing info/)', async () => {
    const root = await tmp.workspace({ '.git/HEAD': 'x\n', 'a.txt': 'a\n' });
    const f = new CaptureFilter(root);
    await f.excludes('', 'a.txt', false);
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push(await f.rootRulesChanged());
    await mkdir(path.join(root, '.git/info'));
    await writeFile(path.join(root, '.git/info/exclude'), 'x\n');
    seen.push(await f.rootRulesChanged());
    await f.excludes('', 'a.txt', false);
    for (let i = 0; i < 3; i++) seen.push(await f.rootRulesChanged());
    fs.unlinkSync(path.join(root, '.git/info/exclude'));
    seen.push(await f.rootRulesChanged());
    assert.deepEqual(seen, [false, false, false, false, false, true, false, false, false, true]);
  });

  it('a .git symlink: a change to the linked repository info/exclude is seen', async () => {
    const repo = await tmp.workspace({ 'info/exclude': '# none\n', HEAD: 'x\n' });
    const root = await tmp.workspace({ 'a.txt': 'a\n', 'secrets/k': 'k\n' });
    await symlink(repo, path.join(root, '.git'));
    const f = new CaptureFilter(root);
    assert.equal(await f.excludes('', 'secrets', true), false);
    await writeFile(path.join(repo, 'info/exclude'), 'secrets/\n');
    assert.equal(await f.rootRulesChanged(), true);
    assert.equal(await f.excludes('', 'secrets', true), true);
  });
});
