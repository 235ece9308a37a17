import assert from 'node:assert/strict';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { queueText } from '../../../src/core/runner/logLines';
import { captureScratch } from './captureHarness';

/**
 * Three sessions' commands in one folder: the third waits for the first's to end AND for the
 * second's. The waiting notice named only the session holding the turn, so the third looked next
 * in line; it says now how many wait ahead of it.
 */
describe('a command waiting behind several in its folder', function () {
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  it('is told how many wait ahead of it, and says so', async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    const told: [string, string | undefined, number][] = [];
    const first = await shared.begin('s1/c1', undefined, (behind, ahead) => told.push(['c1', behind, ahead]));
    const second = shared.begin('s2/c2', undefined, (behind, ahead) => told.push(['c2', behind, ahead]));
    const third = shared.begin('s3/c3', undefined, (behind, ahead) => told.push(['c3', behind, ahead]));
    assert.deepEqual(told, [
      ['c2', 's1/c1', 0],
      ['c3', 's1/c1', 1],
    ]);
    await shared.end(first);
    await shared.end(await second);
    await shared.end(await third);
    assert.equal(queueText({ callId: 'c3', behind: undefined, waiting: true, ahead: 1 }, 'session one'), 'the command (c3) waits for a command of the session "session one" to finish, and for 1 more waiting ahead of it: one command runs at a time in this folder');
    assert.equal(queueText({ callId: 'c2', behind: undefined, waiting: true, ahead: 0 }, 'session one'), 'the command (c2) waits for a command of the session "session one" to finish: one command runs at a time in this folder');
    await inner.dispose();
  });
});
