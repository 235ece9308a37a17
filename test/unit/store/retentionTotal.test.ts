import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { tidyStore } from '../../../src/core/store/housekeeping';
import { type DiskCheckpointStore, openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId, SessionLink, SessionStatus } from '../../../src/core/store/types';
import { builtSession } from '../checkpoints/checkpointHarness';
import type { Harness } from '../runner/runnerHarness';
import { bytes, sourceFile, stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

const NOW = Date.UTC(2026, 5, 1);

/** The bytes the store's sessions hold, by the index. */
async function totalBytes(store: DiskCheckpointStore): Promise<number> {
  return (await store.listSessions({ limit: 1000 })).sessions.reduce((n, s) => n + s.sizeBytes, 0);
}

describe('retention by total size (maxTotalBytes): a session that stays is never counted as freed (real LevelDB on disk)', function () {
  this.timeout(90_000);
  const tmp = tempDirs('retention-total');
  let h: Harness | undefined;
  afterEach(async function () {
    await h?.close();
    h = undefined;
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  /** Sessions oldest first, each a step with a file of its own (about the same size). */
  async function sessions(specs: { name: string; status?: SessionStatus; parentOf?: string }[]) {
    const dir = await tmp.make();
    let clock = NOW - 10_000;
    const store = await openCheckpointStore({ dir, onLocked: 'fail', now: () => clock });
    const ids: Record<string, SessionId> = {};
    for (const [i, s] of specs.entries()) {
      const parent: SessionLink | null = s.parentOf ? { sessionId: ids[s.parentOf] as SessionId, seq: 1, step: 1 } : null;
      const made = await store.createSession({ title: s.name, status: s.status ?? 'completed', parent });
      await store.commit(stepCommit(made.id, 1, 0, { blobs: [{ content: bytes(`${s.name}\n${sourceFile(i + 1)}`) }] }));
      ids[s.name] = made.id;
      clock += 1000;
    }
    return { store, ids };
  }

  it("the oldest finished session, held by a fork that stays, is not counted as freed: the next oldest goes in its place", async () => {
    const { store, ids } = await sessions([{ name: 'source' }, { name: 'fork', status: 'paused', parentOf: 'source' }, { name: 'older' }, { name: 'newest' }]);
    const total = await totalBytes(store);
    const plan = await store.planRetention({ maxTotalBytes: total - 100 }, NOW);
    assert.deepEqual(plan.map((c) => c.sessionId), [ids['older']], 'the source stays for its fork, so another session must go to get under the limit');
    await store.close();
  });

  it('a session this window runs is kept, and the next oldest is deleted in its place: the store gets under the limit', async () => {
    const { store, ids } = await sessions([{ name: 'busy' }, { name: 'second' }, { name: 'third' }, { name: 'newest' }]);
    const total = await totalBytes(store);
    const done = await tidyStore(store, { policy: { maxTotalBytes: total - 100 }, now: NOW, busy: (id) => id === ids['busy'] });
    assert.deepEqual(done.deleted.map((d) => d.sessionId), [ids['second']]);
    assert.ok((await totalBytes(store)) <= total - 100, 'the store is under the total size kept');
    await store.close();
  });

  it('a session kept for its files-only rewind not undone is not counted as freed: a later session is deleted in its place, and the kept one is named', async () => {
    const b = await builtSession();
    h = b.h;
    await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2, { mode: 'files' }));
    await sleep(5);
    const later = await h.store.createSession({ title: 'a later task', status: 'completed' });
    await h.store.commit(stepCommit(later.id, 1, 0, { blobs: [{ content: bytes(sourceFile(7)) }] }));
    await sleep(5);
    await h.store.createSession({ title: 'the newest task', status: 'completed' });
    const total = await totalBytes(h.store);
    const done = await tidyStore(h.store, { policy: { maxTotalBytes: total - 100 } });
    assert.deepEqual(done.kept.map((k) => k.sessionId), [b.id]);
    assert.deepEqual(done.deleted.map((d) => d.sessionId), [later.id], 'the next oldest session goes instead');
    assert.ok((await totalBytes(h.store)) <= total - 100);
  });
});
