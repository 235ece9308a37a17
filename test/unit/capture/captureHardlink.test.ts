import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CAPTURE_MODES, captureCommand, captureScratch, only, sh, summary, text } from './captureHarness';

/**
 * inotify reports a write under the name it was opened by only: the other names of a hard-linked
 * file change without an event. The watcher then never marks them dirty, and their index entries
 * would go stale: the capture adds the other tracked names of a file whose link count is above 1, as
 * the sweep (which stats every file) sees them. A name it does not watch at all (outside the
 * workspace, in an ignored folder) gives no event: such files are looked at in every capture.
 */
describe('a hard-linked file written through its other name', () => {
  const tmp = captureScratch();
  let outside: string | undefined;
  afterEach(async () => {
    await tmp.cleanup();
    if (outside) await rm(outside, { recursive: true, force: true });
    outside = undefined;
  });

  it('with the watcher, the second name of a hard link is reported modified, as the sweep reports it', async () => {
    const root = await tmp.workspace({ 'a.txt': 'one\n' });
    const capture = tmp.capture(root);
    await captureCommand(capture, root, 'ln a.txt b.txt');
    const set = await captureCommand(capture, root, 'echo two >> a.txt');
    assert.equal(set.method, 'watch');
    assert.deepEqual(summary(set), ['a.txt modified', 'b.txt modified']);
    assert.equal(text(only(set, 'b.txt').beforeBytes), 'one\n');
  });

  for (const [mode, options] of CAPTURE_MODES) {
    it(`a tracked file written through a name the capture does not watch (an ignored build folder, a folder outside) is reported modified, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'build/\n', 'src/x.js': 'one\n', 'build/keep': '' });
      outside = await mkdtemp(path.join(tmpdir(), 'savepoint-outside-'));
      await sh(root, `ln src/x.js build/x.js && echo y > src/y.js && ln src/y.js '${outside}/y.js'`);
      const capture = tmp.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, `echo two >> build/x.js && echo two >> '${outside}/y.js'`);
      assert.deepEqual(summary(set), ['src/x.js modified', 'src/y.js modified']);
      assert.equal(text(only(set, 'src/x.js').beforeBytes), 'one\n');
      assert.equal(text(only(set, 'src/y.js').afterBytes), 'y\ntwo\n');
    });
  }
});
