import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { describeEvent } from '../../../src/core/runner/timeline';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * A binary asset a command rewrote past the capture's binary budget is recorded by hash only. When
 * the next command deletes it, its old bytes are nowhere (not kept, not in git): the rewind cannot
 * restore it, and the timeline says it is kept by hash only (not "shown", which means a rewind
 * restores it), so the user does not learn it only when the rewind skips it.
 */
describe('a binary file past the capture budget, then deleted', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('the timeline of the deleting step says the asset cannot be restored, as the rewind preview does', async () => {
    // 64 KB of binary; the budget stands for the default 32 MB against hundreds of MB of assets.
    const img = Buffer.alloc(64 * 1024, 1);
    img[0] = 0;
    const s = await commandSession(["printf '\\002' | dd of=logo.png bs=1 seek=5 conv=notrunc status=none", 'rm logo.png'], {
      prepare: (w) => writeFile(join(w, 'logo.png'), img),
      capture: { binaryBytesPerCapture: 16 * 1024, gitContents: false },
      keep,
    });
    const events: { type: string; data: unknown }[] = [];
    for await (const e of s.h.store.readEvents(s.id)) events.push({ type: e.type, data: e.data });
    const results = events.filter((e) => e.type === 'tool_result');
    const second = results[1] as { type: 'tool_result'; data: ToolResultData };
    assert.deepEqual(second.data.sideEffects?.map((x) => `${x.kind} ${x.path}`), ['deleted logo.png']);

    // The rewind to after the first command (before the rm) cannot bring logo.png back.
    const plan = await planRewind(s.h.store, s.ws, s.id, 1);
    const logo = plan.files.find((f) => f.path === 'logo.png');
    assert.equal(logo?.restorable, false, 'precondition: the rewind has nothing to restore logo.png from');

    const line = describeEvent(second as never);
    assert.doesNotMatch(line, /shown by hash/, `the timeline says the deleted asset is only *shown* by hash (i.e. restorable), yet the rewind cannot restore it:\n${line}`);
  });
});
