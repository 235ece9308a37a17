import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CAPTURE_MODES, captureCommand, captureScratch, snapshotTree, summary } from './captureHarness';

/**
 * A folder a command writes in and then replaces by a link (to a folder outside the workspace): the
 * watcher has already reported paths under the folder's name, and those now lead through the link.
 * The capture records the link, and never what is behind it (as a sweep finds the tree).
 */
describe('NodeChangeCapture: a folder replaced by a link to outside the workspace (POSIX)', () => {
  const tmp = captureScratch();
  let outside: string | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  afterEach(async () => {
    await tmp.cleanup();
    if (outside) await rm(outside, { recursive: true, force: true });
    outside = undefined;
  });

  for (const [mode, options] of CAPTURE_MODES) {
    it(`records the link and the folder's files deleted, never a file or folder behind the link, ${mode}`, async () => {
      outside = await mkdtemp(path.join(tmpdir(), 'savepoint-outside-'));
      await writeFile(path.join(outside, 'x.txt'), 'not yours\n');
      await mkdir(path.join(outside, 'd'));
      await writeFile(path.join(outside, 'd', 'secret.txt'), 'not yours either\n');
      const root = await tmp.workspace({ 'a/keep.txt': 'k\n' });
      const capture = tmp.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, `echo mine > a/x.txt && mkdir a/d && rm -rf a && ln -s '${outside}' a`);
      assert.deepEqual(summary(set), ['a created', 'a/keep.txt deleted']);
      assert.ok(set.changes.every((c) => c.afterBytes === undefined || !Buffer.from(c.afterBytes).toString().includes('not yours')));
      // What happens behind the link later is no change of the workspace either.
      const before = await snapshotTree(outside);
      const later = await captureCommand(capture, root, `echo more >> '${outside}/x.txt' && echo more >> '${outside}/d/secret.txt'`);
      assert.deepEqual(summary(later), []);
      assert.notDeepEqual(await snapshotTree(outside), before);
    });
  }
});
