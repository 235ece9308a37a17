import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { captureScratch, sh, sha, summary } from './captureHarness';

/**
 * SerialCapture leaves out of a command's changes the files another session's tool or rewind held.
 * The capture pairs a deletion and a creation of the same bytes as a rename; when one end of such a
 * pair is the other session's held write, the other end is still the command's own change (a
 * deletion it made, a file it created), recorded as such.
 */
describe('a held write never hides a command\'s own change', function () {
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  it('session B writes copy.ts (held) while session A\'s command deletes util.ts with the same contents: A\'s deletion is still A\'s', async () => {
    const body = 'export const add = (a: number, b: number) => a + b;\n';
    const root = await scratch.workspace({ 'src/util.ts': body, 'other.ts': 'x\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);

    const mark = await shared.begin();
    // Session B's write_file (hold, write, release) of a new file whose contents match src/util.ts.
    const release = shared.holdWrites([{ path: 'lib/copy.ts', hash: sha(body) }]);
    await sh(root, 'mkdir -p lib');
    await writeFile(join(root, 'lib/copy.ts'), body);
    release();
    // Session A's command removes src/util.ts (a real child process).
    await sh(root, 'rm src/util.ts');
    const set = await shared.end(mark);
    assert.deepEqual(summary(set), ['src/util.ts deleted'], `A's command deleted src/util.ts; its capture says ${JSON.stringify(summary(set))}`);
  });

  it('session B deletes old.ts (held) while session A\'s command creates new.ts with the same contents: A\'s change is a creation, not a move of B\'s file', async () => {
    const body = 'export const version = 3;\n';
    const root = await scratch.workspace({ 'old.ts': body, 'other.ts': 'x\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);

    const mark = await shared.begin();
    // Session A's command copies old.ts (a real child process).
    await sh(root, 'cp old.ts new.ts');
    // Session B's delete_file of old.ts (hold, delete, release).
    const release = shared.holdWrites([{ path: 'old.ts', hash: null }]);
    await sh(root, 'rm old.ts');
    release();
    const set = await shared.end(mark);
    // As recorded, rewinding A's command would bring back old.ts, which B deleted.
    assert.deepEqual(summary(set), ['new.ts created'], `A's command only created new.ts; its capture says ${JSON.stringify(summary(set))}`);
  });
});
