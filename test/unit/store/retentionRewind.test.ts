import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { retentionPolicy } from '../../../src/core/settings/agentSettings';
import { SettingsValues } from '../../../src/core/settings/settingsValues';
import { tidyStore } from '../../../src/core/store/housekeeping';
import type { Harness } from '../runner/runnerHarness';
import { A3, builtSession, contents, snapshotDir } from '../checkpoints/checkpointHarness';

const keepLast = (n: number) => retentionPolicy(new SettingsValues((key) => ({ globalValue: key === 'retention.keepLastSessions' ? n : undefined })));

describe('retention and a files-only rewind not undone (real runner, real LevelDB, real files)', function () {
  this.timeout(90_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('keeps the session whose safety checkpoint is the only undo of the rewind, says why, and lets it go once the rewind is undone', async () => {
    const b = await builtSession();
    h = b.h;
    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2, { mode: 'files' }));
    assert.ok(r.written.length > 0);
    await sleep(5);
    const newer = await h.store.createSession({ title: 'a later task', status: 'completed' });

    const done = await tidyStore(h.store, { policy: keepLast(1) });
    assert.deepEqual(done.deleted, [], 'the rewound session is not deleted: its undo is the only way back to the work before the rewind');
    assert.deepEqual(done.kept.map((k) => k.sessionId), [b.id]);
    assert.match(done.kept[0]?.why ?? '', /rewind to step 2 .*not undone/);
    assert.ok(await h.store.getSession(b.id));

    // The undo still gives the pre-rewind work back.
    await undoRewind(h.store, b.ws, await planUndo(h.store, b.ws, b.id, r.rewindId));
    assert.equal(contents(await snapshotDir(h.workspace))['src/a.ts'], A3);
    await sleep(5);
    await h.store.updateSession(newer.id, { title: 'a later task, touched' });

    const later = await tidyStore(h.store, { policy: keepLast(1) });
    assert.deepEqual(later.deleted.map((d) => d.sessionId), [b.id], 'once undone, nothing holds it');
    assert.deepEqual(later.kept, []);
  });
});
