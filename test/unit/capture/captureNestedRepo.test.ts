import assert from 'node:assert/strict';
import { CAPTURE_MODES, captureCommand, captureScratch, sh, summary } from './captureHarness';

/** Inside a repository of its own (a submodule, a project cloned into the workspace) git applies that repository's rules only. */
describe('NodeChangeCapture: a repository inside the workspace', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  for (const [mode, options] of CAPTURE_MODES) {
    it(`goes by its own .gitignore and info/exclude, not by the enclosing repository's, ${mode}`, async () => {
      const root = await tmp.workspace({
        '.gitignore': 'dist/\n*.log\n',
        'src/a.ts': 'a\n',
        'vendor/lib/.gitignore': 'tmp/\n',
        'vendor/lib/dist/lib.js': 'v1\n',
        'vendor/lib/index.js': 'i\n',
      });
      await sh(root, "git init -q && cd vendor/lib && git init -q && printf 'secret.txt\\n' >> .git/info/exclude");
      const capture = tmp.capture(root, options);
      await capture.start();
      const script = [
        'echo v2 > vendor/lib/dist/lib.js',
        'echo l > vendor/lib/debug.log',
        'echo s > vendor/lib/secret.txt',
        'mkdir -p vendor/lib/tmp dist && echo t > vendor/lib/tmp/t.js && echo d > dist/out.js && echo l > app.log',
        'echo b >> src/a.ts',
      ].join(' && ');
      const set = await captureCommand(capture, root, script);
      assert.deepEqual(summary(set), ['src/a.ts modified', 'vendor/lib/debug.log created', 'vendor/lib/dist/lib.js modified']);
    });
  }
});
