import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CAPTURE_MODES, captureCommand, captureScratch, only, sh, summary, text } from './captureHarness';

const commit = 'git -c user.email=t@t -c user.name=t commit -qm c';

/** Git's ignore rules apply to untracked files only: a file git tracks is the user's work whatever they say. */
describe('NodeChangeCapture: files git tracks although its rules ignore them', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  for (const [mode, options] of CAPTURE_MODES) {
    it(`a command's edits of force-added and committed-then-ignored files are captured, the untracked ignored ones still not, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'dist/\n*.local\n', 'dist/index.js': 'v1\n', 'dist/lib/util.js': 'u1\n', 'app.local': 'a1\n', 'src/a.ts': 'a\n' });
      await sh(root, `git init -q && git add -A && git add -f dist app.local && ${commit} && echo junk > dist/cache.tmp`);
      const capture = tmp.capture(root, options);
      await capture.start();
      const index = await stat(path.join(root, '.git', 'index'));
      const set = await captureCommand(capture, root, 'echo v2 > dist/index.js && echo u2 > dist/lib/util.js && echo a2 > app.local && echo n > dist/new.js && rm dist/cache.tmp');
      assert.deepEqual(summary(set), ['app.local modified', 'dist/index.js modified', 'dist/lib/util.js modified']);
      assert.equal(text(only(set, 'dist/index.js').beforeBytes), 'v1\n');
      assert.equal(text(only(set, 'app.local').afterBytes), 'a2\n');
      assert.equal((await stat(path.join(root, '.git', 'index'))).mtimeMs, index.mtimeMs);
    });

    it(`a file force-added between steps, or tracked and then ignored by a step, is captured from the next step on, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'gen/\n', 'gen/schema.ts': 's1\n', 'secret.txt': 'k1\n', 'src/a.ts': 'a\n' });
      await sh(root, `git init -q && git add -A && ${commit}`);
      const capture = tmp.capture(root, options);
      await capture.start();
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo secret.txt >> .gitignore')), ['.gitignore modified']);
      await sh(root, 'git add -f gen/schema.ts');
      const set = await captureCommand(capture, root, 'echo s2 > gen/schema.ts && echo k2 > secret.txt');
      assert.deepEqual(summary(set), ['gen/schema.ts modified', 'secret.txt modified']);
      assert.equal(text(only(set, 'gen/schema.ts').beforeBytes), 's1\n');
      assert.equal(text(only(set, 'secret.txt').beforeBytes), 'k1\n');
    });

    it(`a file a command edits and, in the same command, excludes (info/exclude) or stops tracking while ignored (git rm --cached) keeps the edit with its old bytes, as with a .gitignore it changes, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'dist/\n', 'dist/index.js': 'v1\n', 'notes.txt': 'n1\n', 'keys.txt': 'k1\n' });
      await sh(root, `git init -q && git add .gitignore && git add -f dist && ${commit}`);
      const capture = tmp.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, 'echo n2 > notes.txt && echo notes.txt >> .git/info/exclude && echo v2 > dist/index.js && git rm -q --cached dist/index.js && echo k2 > keys.txt && echo keys.txt >> .gitignore');
      assert.deepEqual(summary(set), ['.gitignore modified', 'dist/index.js modified', 'keys.txt modified', 'notes.txt modified']);
      assert.equal(text(only(set, 'notes.txt').beforeBytes), 'n1\n');
      assert.equal(text(only(set, 'dist/index.js').beforeBytes), 'v1\n');
      // From then on the new rules apply.
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo n3 > notes.txt && echo v3 > dist/index.js && echo k3 > keys.txt')), []);
    });
  }
});
