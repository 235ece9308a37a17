import assert from 'node:assert/strict';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { finalText, toolUse, type Harness } from '../runner/runnerHarness';
import { entryKind, linkSession } from './helpers/linkSession';

/**
 * The change capture records symlinks: a link a rewind of one session makes (or its undo removes)
 * while another session's command runs is held by the link's own hash, so that command does not
 * take it for its own, as for files (see rewindDuringCommand).
 */
describe('a rewind that makes a symlink while another session\'s command runs (POSIX)', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  let shared: SerialCapture | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  afterEach(async () => {
    await shared?.dispose();
    shared = undefined;
    await h?.close();
    h = undefined;
  });

  it('the link it makes and the link its undo removes are not that command\'s changes', async () => {
    const { id, ws } = await linkSession([toolUse('d1', 'delete_file', { path: 'CLAUDE.md' }), finalText('done', { toolResultFor: 'd1', toolResultIsError: false })], (made) => (h = made));
    const store = (h as Harness).store;
    const inner = new NodeChangeCapture((h as Harness).workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    shared = new SerialCapture(inner);
    const holdWrites = shared.holdWrites.bind(shared);

    const mark = await shared.begin();
    const r = await applyRewind(store, ws, await planRewind(store, ws, id, 0), { holdWrites });
    assert.deepEqual(r.written, ['CLAUDE.md']);
    assert.equal(await entryKind((h as Harness).workspace, 'CLAUDE.md'), 'link to AGENTS.md');
    assert.deepEqual((await shared.end(mark)).changes.map((c) => `${c.path} ${c.kind}`), []);

    const next = await shared.begin();
    await undoRewind(store, ws, await planUndo(store, ws, id, r.rewindId), { holdWrites });
    assert.equal(await entryKind((h as Harness).workspace, 'CLAUDE.md'), 'absent');
    assert.deepEqual((await shared.end(next)).changes.map((c) => `${c.path} ${c.kind}`), []);
  });
});
