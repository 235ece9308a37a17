import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { fromCapture, symbolSnapshot } from '../../../src/core/runner/stepEffects';
import { captureCommand, captureScratch } from '../capture/captureHarness';

/**
 * A symlink holds no symbols of its own (it is never followed): a file that replaces a link is, for
 * its symbols, created; one a link replaces, deleted.
 */
describe('the symbols of a step where a file and a symlink replace each other (POSIX)', () => {
  const tmp = captureScratch();
  let outliner: AstOutliner | undefined;
  before(async function () {
    if (process.platform === 'win32') this.skip();
    outliner = await AstOutliner.create();
  });
  after(() => outliner?.dispose());
  afterEach(() => tmp.cleanup());

  it('a link replaced by a file adds its symbols; a file replaced by a link removes them', async () => {
    const root = await tmp.workspace({ 'b.ts': 'export const b = 1;\n' });
    const capture = tmp.capture(root);
    await capture.start();
    await captureCommand(capture, root, 'ln -s b.ts a.ts');
    const toFile = fromCapture(await captureCommand(capture, root, "rm a.ts && printf 'export function g() {}\\n' > a.ts"));
    assert.deepEqual((await symbolSnapshot(outliner, toFile.files)).lines, ['added function `g` in a.ts']);
    const toLink = fromCapture(await captureCommand(capture, root, 'rm a.ts && ln -s b.ts a.ts'));
    assert.deepEqual((await symbolSnapshot(outliner, toLink.files)).lines, ['removed function `g` in a.ts']);
  });
});
