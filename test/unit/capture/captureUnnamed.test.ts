import assert from 'node:assert/strict';
import { captured } from '../../../src/core/runner/capturedRun';
import { CAPTURE_MODES, captureCommand, captureScratch, sh, summary } from './captureHarness';

/**
 * A file whose name is not valid UTF-8 (a Latin-1 `café.txt` from an old archive) cannot be reached by
 * any path string Node gives: the capture cannot record it, so it says so instead of leaving it out in
 * silence (a rewind would neither restore nor remove it, and nobody would know).
 */
const LATIN1 = (name: string) => `"$(printf '${name}')"`;

describe('files whose names are not UTF-8 are said to be unrecorded', function () {
  this.timeout(30_000);
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  for (const [mode, options] of CAPTURE_MODES) {
    it(`${mode}: created, changed, in a new folder; not told again while unchanged`, async () => {
      const root = await scratch.workspace({ 'a.txt': 'a\n' });
      await sh(root, `printf 'old\\n' > ${LATIN1('old\\351.txt')}`);
      const capture = scratch.capture(root, options);
      await capture.start();

      const made = await captureCommand(capture, root, `printf 'x\\n' > ${LATIN1('caf\\351.txt')} && printf 'b\\n' > b.txt`);
      assert.deepEqual(summary(made), ['b.txt created'], 'what has a name is recorded as before');
      assert.deepEqual(made.unnamed, ['caf\uFFFD.txt']);

      const nothing = await captureCommand(capture, root, 'printf "a2\\n" > a.txt');
      assert.deepEqual(summary(nothing), ['a.txt modified']);
      assert.equal(nothing.unnamed, undefined, 'the files left as they are are not told again');

      const inFolder = await captureCommand(capture, root, `mkdir -p gen && printf 'y\\n' > gen/${LATIN1('r\\351sum\\351.md')}`);
      assert.deepEqual(inFolder.unnamed, ['gen/r\uFFFDsum\uFFFD.md']);

      if (mode === 'with the watcher') {
        // The watcher sees a change to one that was there before; a sweep cannot tell it from unchanged.
        const changed = await captureCommand(capture, root, `printf 'new\\n' > ${LATIN1('old\\351.txt')}`);
        assert.deepEqual(changed.unnamed, ['old\uFFFD.txt']);
      }
    });
  }

  it("the command's result tells the model, by name, what was not recorded and why", async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n' });
    const capture = scratch.capture(root);
    await capture.start();
    const { out, set } = await captured(capture, async () => {
      await sh(root, `printf 'x\\n' > ${LATIN1('caf\\351.txt')} && printf 'b\\n' > b.txt`);
      return { content: '[No output.]\n[Exit code 0.]' };
    });
    assert.deepEqual(set && summary(set), ['b.txt created']);
    assert.equal(
      out.content,
      '[No output.]\n[Exit code 0.]\n[not recorded: caf\uFFFD.txt: its name is not valid UTF-8 (shown with \uFFFD for each byte that is not), so a rewind neither restores nor removes it; rename it to UTF-8 to have it recorded]',
    );
  });
});
