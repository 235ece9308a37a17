import assert from 'node:assert/strict';
import { captureCommand, captureScratch, only, summary, text } from './captureHarness';

/**
 * inotify reports a write under the name it was opened by only: the other names of a hard-linked
 * file change without an event. The watcher then never marks them dirty, and their index entries
 * would go stale: the capture adds the other tracked names of a file whose link count is above 1, as
 * the sweep (which stats every file) sees them.
 */
describe('a hard-linked file written through its other name', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('with the watcher, the second name of a hard link is reported modified, as the sweep reports it', async () => {
    const root = await tmp.workspace({ 'a.txt': 'one\n' });
    const capture = tmp.capture(root);
    await captureCommand(capture, root, 'ln a.txt b.txt');
    const set = await captureCommand(capture, root, 'echo two >> a.txt');
    assert.equal(set.method, 'watch');
    assert.deepEqual(summary(set), ['a.txt modified', 'b.txt modified']);
    assert.equal(text(only(set, 'b.txt').beforeBytes), 'one\n');
  });
});
