import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FolderTurns } from '../../../src/core/capture/commandTurns';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { captureScratch, summary } from './captureHarness';

/**
 * A workspace of two folders, one inside the other (a repository and one of its packages): each has
 * its capture and queue, but the outer folder's capture sees the inner folder's files. A command of a
 * session in the package, run while a command of a session in the repository ran, was recorded as
 * the repository command's change too (and a rewind of that session would undo it). Folders one
 * inside the other now take turns in one queue.
 */
describe('nested workspace folders: one command at a time across both (real watcher, real files)', function () {
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  it("a command in the inner folder waits for the outer folder's command, and is not recorded as its change", async () => {
    const outer = await scratch.workspace({ 'README.md': 'repo\n', 'app/index.ts': 'export {};\n' });
    const inner = join(outer, 'app');
    const roots = [outer, inner];
    const turns = new FolderTurns();
    const outerCapture = scratch.capture(outer, { contentStore: new MemoryContentStore() });
    const innerCapture = scratch.capture(inner, { contentStore: new MemoryContentStore() });
    await Promise.all([outerCapture.start(), innerCapture.start()]);
    const inOuter = new SerialCapture(outerCapture, turns.of(outer, roots));
    const inInner = new SerialCapture(innerCapture, turns.of(inner, roots));

    const outerMark = await inOuter.begin('a/1');
    let told: () => void = () => undefined;
    const waited = new Promise<'waited'>((r) => (told = () => r('waited')));
    // The inner folder's command: it writes once it has its turn.
    const innerRun = (async () => {
      const mark = await inInner.begin('b/1', undefined, () => told());
      await writeFile(join(inner, 'built.js'), 'built\n');
      return inInner.end(mark);
    })();
    const wrote = innerRun.then(() => 'ran' as const);
    // Either it waits for its turn, or it runs (and writes) beside the outer command.
    const first = await Promise.race([waited, wrote]);
    await writeFile(join(outer, 'README.md'), 'repo, changed\n');
    const outerSet = await inOuter.end(outerMark);
    assert.deepEqual(summary(outerSet), ['README.md modified'], `the inner folder's command (${first}) was recorded as the outer one's`);
    assert.equal(first, 'waited');
    assert.deepEqual(summary(await innerRun), ['built.js created']);
    await Promise.all([outerCapture.dispose(), innerCapture.dispose()]);
  });

  it('folders side by side keep their own queues', () => {
    const turns = new FolderTurns();
    const roots = ['/w/a', '/w/ab', '/w/a/x'];
    assert.equal(turns.of('/w/a/x', roots), turns.of('/w/a', roots), 'a folder inside another shares its queue');
    assert.notEqual(turns.of('/w/ab', roots), turns.of('/w/a', roots), 'a sibling whose name starts the same does not');
  });
});
