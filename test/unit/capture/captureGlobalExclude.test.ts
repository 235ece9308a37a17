import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CAPTURE_MODES, captureCommand, captureScratch, sh, summary } from './captureHarness';

/** The user's own ignore file (core.excludesFile, by default ~/.config/git/ignore) applies in every repository, as in git. */
describe("NodeChangeCapture: the user's global git ignore file", () => {
  const tmp = captureScratch();
  let config: string | undefined;
  const xdg = process.env.XDG_CONFIG_HOME;
  afterEach(async () => {
    if (xdg === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = xdg;
    await tmp.cleanup();
    if (config) await rm(config, { recursive: true, force: true });
    config = undefined;
  });

  for (const [mode, options] of CAPTURE_MODES) {
    it(`editor and system files core.excludesFile names are not a command's changes, and a change to that file applies from the next step, ${mode}`, async () => {
      config = await mkdtemp(path.join(tmpdir(), 'savepoint-gitconfig-'));
      const excludes = path.join(config, 'my ignore');
      await writeFile(excludes, '*.swp\n.idea/\n');
      const root = await tmp.workspace({ 'src/a.ts': 'a\n' });
      await sh(root, `git init -q && git config core.excludesFile '${excludes}'`);
      const capture = tmp.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, 'echo s > .a.ts.swp && mkdir .idea && echo w > .idea/workspace.xml && echo b > src/b.ts');
      assert.deepEqual(summary(set), ['src/b.ts created']);
      await writeFile(excludes, '*.swp\n.idea/\n*.orig\n');
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo o > src/a.ts.orig && echo x >> .idea/workspace.xml && echo c >> src/b.ts')), ['src/b.ts modified']);
    });

    it(`without core.excludesFile, git's default one under the config folder applies, ${mode}`, async () => {
      config = await mkdtemp(path.join(tmpdir(), 'savepoint-gitconfig-'));
      process.env.XDG_CONFIG_HOME = config;
      await mkdir(path.join(config, 'git'));
      await writeFile(path.join(config, 'git', 'ignore'), '.DS_Store\n');
      const root = await tmp.workspace({ 'src/a.ts': 'a\n' });
      await sh(root, 'git init -q');
      const capture = tmp.capture(root, options);
      await capture.start();
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo d > .DS_Store && echo d > src/.DS_Store && echo b >> src/a.ts')), ['src/a.ts modified']);
    });
  }
});
