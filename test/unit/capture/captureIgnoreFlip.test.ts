import assert from 'node:assert/strict';
import { CAPTURE_MODES, captureCommand, captureScratch, sh, summary } from './captureHarness';

/**
 * A command that creates files AND changes the rules so that they are tracked (a checkout of a branch
 * that commits what the other ignores): the files, chosen by the old rules, are read in when the
 * rules change, and those born during the command are its creations (a rewind removes them). A file
 * that was there before, ignored, is baseline: the step did not create it.
 */
describe('files a command creates while it un-ignores them', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  for (const [mode, options] of CAPTURE_MODES) {
    it(`git checkout of a branch that commits dist/ (ignored on main) reports dist/app.js created, ${mode}`, async () => {
      const root = await tmp.workspace();
      await sh(
        root,
        [
          'git init -q -b main && git config user.email a@b && git config user.name a',
          "printf 'dist/\\n' > .gitignore && echo a > a.ts && git add -A && git commit -qm main",
          "git checkout -qb release && printf 'tmp/\\n' > .gitignore && mkdir dist && echo bundle > dist/app.js && git add -A && git commit -qm release",
          'git checkout -q main',
        ].join(' && '),
      );
      const capture = tmp.capture(root, options);
      const set = await captureCommand(capture, root, 'git checkout -q release');
      assert.deepEqual(summary(set), ['.gitignore modified', 'dist/app.js created']);
    });

    it(`a folder removed and made again without its .gitignore reports the files created where it ignored them, ${mode}`, async () => {
      const root = await tmp.workspace({ 'pkg/.gitignore': 'gen/\n', 'pkg/i.ts': 'i\n' });
      const capture = tmp.capture(root, options);
      const set = await captureCommand(capture, root, 'rm -rf pkg && mkdir -p pkg/gen && echo i > pkg/i.ts && echo x > pkg/gen/x.ts');
      assert.deepEqual(summary(set), ['pkg/.gitignore deleted', 'pkg/gen/x.ts created']);
    });

    it(`a file that was there before, ignored, and that the command un-ignores is not reported as created, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'build/\n', 'build/out.js': 'old\n', 'a.ts': 'a\n' });
      await new Promise((r) => setTimeout(r, 50));
      const capture = tmp.capture(root, options);
      const set = await captureCommand(capture, root, "printf '' > .gitignore");
      assert.deepEqual(summary(set), ['.gitignore modified']);
    });

    it(`a build the command force-adds (git add -f dist), or un-ignores in .git/info/exclude, reports its new files created, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'dist/\n', 'a.ts': 'a\n' });
      await sh(root, "git init -q && printf 'out/\\n' >> .git/info/exclude && git add -A");
      const capture = tmp.capture(root, options);
      await capture.start();
      const forced = await captureCommand(capture, root, 'mkdir dist && echo bundle > dist/app.js && git add -f dist/app.js');
      assert.deepEqual(summary(forced), ['dist/app.js created']);
      const unexcluded = await captureCommand(capture, root, "mkdir out && echo o > out/o.js && printf '' > .git/info/exclude");
      assert.deepEqual(summary(unexcluded), ['out/o.js created']);
    });
  }
});
