import assert from 'node:assert/strict';
import { CaptureSlot } from '../../../src/core/capture/captureSlot';
import type { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { captureCommand, captureScratch, summary } from './captureHarness';

/**
 * The editor's one change capture (SessionService): after `savepoint.ignore` changes it is made
 * again with the new globs, but never under a running session.
 */
describe('CaptureSlot: the workspace capture, made again when its settings change', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('a running session keeps its capture; once the last run ends the next one is made with the new settings, and the old one is disposed', async () => {
    const root = await tmp.workspace({ 'src/a.ts': 'a\n' });
    let globs: string[] = [];
    const made: { capture: NodeChangeCapture; disposed: boolean }[] = [];
    const slot = new CaptureSlot(() => {
      const entry = { capture: tmp.capture(root, { ignore: globs }), disposed: false };
      made.push(entry);
      return { ...entry, dispose: async () => ((entry.disposed = true), entry.capture.dispose()) };
    });

    const first = slot.get().capture;
    await first.start();
    const endA = slot.begin();
    const endB = slot.begin();
    globs = ['**/*.log'];
    slot.invalidate();
    assert.equal(slot.get().capture, first, 'not swapped under a running session');
    assert.deepEqual(summary(await captureCommand(first, root, 'echo l > a.log && echo b >> src/a.ts')), ['a.log created', 'src/a.ts modified']);
    endA();
    endA();
    assert.equal(made[0]?.disposed, false, 'another run still uses it');
    endB();
    assert.equal(made[0]?.disposed, true, 'dropped when the last run ended');

    const second = slot.get().capture;
    assert.notEqual(second, first);
    await second.start();
    assert.deepEqual(summary(await captureCommand(second, root, 'echo m > b.log && echo c >> src/a.ts')), ['src/a.ts modified']);
    // With no run, a change drops it at once; nothing is made until asked for.
    slot.invalidate();
    assert.equal(made[1]?.disposed, true);
    assert.equal(slot.made, false);
    assert.equal(made.length, 2);
    await slot.dispose();
  });
});
