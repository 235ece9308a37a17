import assert from 'node:assert/strict';
import { CAPTURE_MODES, captureCommand, captureScratch, only, summary, text } from './captureHarness';

describe('NodeChangeCapture: when the .gitignore rules change', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  for (const [mode, options] of CAPTURE_MODES) {
    it(`tracks a directory that is no longer ignored from the next step on, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'build/\n', 'build/o.js': 'o\n', 'build/sub/q.js': 'q\n', 'src/a.ts': 'a\n' });
      const capture = tmp.capture(root, options);
      const unignore = await captureCommand(capture, root, "printf 'dist/\\n' > .gitignore");
      assert.deepEqual(summary(unignore), ['.gitignore modified']);

      const second = await captureCommand(capture, root, 'echo 2 >> build/o.js && echo p > build/p.js && echo 2 >> build/sub/q.js');
      assert.deepEqual(summary(second), ['build/o.js modified', 'build/p.js created', 'build/sub/q.js modified']);
      assert.equal(text(only(second, 'build/o.js').beforeBytes), 'o\n');
      assert.equal(text(only(second, 'build/sub/q.js').beforeBytes), 'q\n');

      const third = await captureCommand(capture, root, 'echo 3 >> build/o.js && rm build/p.js && mv build/sub/q.js build/r.js');
      assert.deepEqual(summary(third), ['build/o.js modified', 'build/p.js deleted', 'build/r.js renamed build/sub/q.js']);
      assert.equal(text(only(third, 'build/o.js').beforeBytes), 'o\n2\n');
      assert.equal(text(only(third, 'build/p.js').beforeBytes), 'p\n');
    });

    it(`stops tracking a directory that became ignored without reporting its files deleted, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'dist/\n', 'build/o.js': 'o\n', 'build/sub/q.js': 'q\n', 'src/a.ts': 'a\n' });
      const capture = tmp.capture(root, options);
      assert.deepEqual(summary(await captureCommand(capture, root, "printf 'build/\\n' > .gitignore")), ['.gitignore modified']);
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo 2 >> build/o.js && echo n > build/sub/n.js')), []);
      assert.deepEqual(summary(await captureCommand(capture, root, 'rm -r build && echo b >> src/a.ts')), ['src/a.ts modified']);
    });

    it(`follows a nested .gitignore removed, then made again, ${mode}`, async () => {
      const root = await tmp.workspace({ 'pkg/.gitignore': 'gen/\n', 'pkg/gen/g.ts': 'g\n', 'pkg/i.ts': 'i\n' });
      const capture = tmp.capture(root, options);
      assert.deepEqual(summary(await captureCommand(capture, root, 'rm pkg/.gitignore')), ['pkg/.gitignore deleted']);
      const edit = await captureCommand(capture, root, 'echo 2 >> pkg/gen/g.ts');
      assert.deepEqual(summary(edit), ['pkg/gen/g.ts modified']);
      assert.equal(text(only(edit, 'pkg/gen/g.ts').beforeBytes), 'g\n');
      assert.deepEqual(summary(await captureCommand(capture, root, "printf 'gen/\\n' > pkg/.gitignore")), ['pkg/.gitignore created']);
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo 3 >> pkg/gen/g.ts && rm -r pkg/gen')), []);
    });
  }
});
