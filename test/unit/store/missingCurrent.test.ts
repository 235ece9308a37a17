import assert from 'node:assert/strict';
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../../../src/core/store/errors';
import { openCheckpointStore, repairCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

const tables = (dir: string) => readdirSync(dir).filter((n) => /\.(ldb|sst)$/.test(n)).sort();

describe('a store whose CURRENT or MANIFEST file is gone (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('missing-current');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it("a first open killed before LevelDB wrote CURRENT (a MANIFEST and a .dbtmp, nothing else) is created again, not refused", async () => {
    const dir = await tmp.make();
    writeFileSync(join(dir, 'MANIFEST-000001'), Buffer.from([0x56, 0x00, 0x00, 0x00]));
    writeFileSync(join(dir, '000001.dbtmp'), 'MANIFEST-000001\n');
    const store = await openCheckpointStore({ dir });
    const s = await store.createSession({ title: 'after a killed first open' });
    await store.commit(stepCommit(s.id, 1, 0));
    assert.equal((await store.listSessions()).sessions.length, 1);
    await store.close();
  });

  it('is refused as CORRUPT, its tables left where they are, not opened as a new empty store; a repair then brings the sessions back', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir });
    const ids: SessionId[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await store.createSession({ title: `session ${i}` });
      await store.commit(stepCommit(s.id, 1, 0));
      ids.push(s.id);
    }
    const workspaceId = store.workspaceId;
    await store.close();
    const before = tables(dir);
    assert.ok(before.length > 0, 'the close wrote the sessions to a table');
    unlinkSync(join(dir, 'CURRENT'));

    const opened = await openCheckpointStore({ dir }).then(
      async (s) => {
        const found = (await s.listSessions()).sessions.length;
        const ws = s.workspaceId;
        await s.close();
        return `opened as a store with ${found} sessions and workspace id ${ws === workspaceId ? 'the same' : 'a new one'}`;
      },
      (e: unknown) => e,
    );
    assert.ok(StoreError.is(opened, 'CORRUPT'), `expected CORRUPT, got: ${opened instanceof Error ? opened.message : String(opened)}`);
    assert.deepEqual(tables(dir), before, 'the tables holding the sessions are still there');

    tmp.adopt(await repairCheckpointStore(dir));
    const repaired = await openCheckpointStore({ dir });
    assert.deepEqual((await repaired.listSessions()).sessions.map((s) => s.id).sort(), [...ids].sort());
    assert.equal(repaired.workspaceId, workspaceId);
    await repaired.close();
  });

  it('a store whose MANIFEST is gone is refused as CORRUPT (the repair the editor offers for it then brings the sessions back), not as an IO failure', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir });
    const s = await store.createSession({ title: 'kept' });
    await store.close();
    const manifest = readdirSync(dir).find((n) => n.startsWith('MANIFEST-')) as string;
    unlinkSync(join(dir, manifest));

    const opened = await openCheckpointStore({ dir }).then(
      async (o) => {
        await o.close();
        return 'opened';
      },
      (e: unknown) => e,
    );
    assert.ok(StoreError.is(opened, 'CORRUPT'), `expected CORRUPT, the code the editor offers a repair for; got: ${opened instanceof Error ? `${(opened as StoreError).code} ${opened.message}` : String(opened)}`);

    tmp.adopt(await repairCheckpointStore(dir));
    const repaired = await openCheckpointStore({ dir });
    assert.deepEqual((await repaired.listSessions()).sessions.map((r) => r.id), [s.id]);
    await repaired.close();
  });
});
