import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpointStore, repairCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { assertWorkloadSteps } from '../../fixtures/storeVerify';
import { buildStep } from '../../fixtures/storeWorkload';
import { tempDirs } from './helpers/tmp';
import { walSession, withSegmentRemovalFailing } from './helpers/walSession';

const SID = 'rv3' as SessionId;
const { stateOf } = walSession(SID);

describe("the store's repair and log: a backup of the directory as it was, a store that does not sync, read-only opens under a busy owner", function () {
  this.timeout(120_000);
  const tmp = tempDirs('rv3');
  const children: FixtureProcess[] = [];
  afterEach(async function () {
    delete process.env['KILL_AFTER'];
    await Promise.all(children.splice(0).map((c) => c.kill()));
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('repair of a directory that does not exist fails and creates nothing', async () => {
    const dir = join(await tmp.make(), 'store');
    const r = await repairCheckpointStore(dir).then((b) => { tmp.adopt(b); return b; }, (e: Error) => e);
    assert.ok(r instanceof Error, `repair returned ${String(r)}`);
    assert.equal(fs.existsSync(dir), false, `the probe created ${dir}: ${fs.existsSync(dir) ? fs.readdirSync(dir).join(',') : ''}`);
  });

  it('repair of a store with CURRENT missing: the probe leaves the damaged directory as it was (backup == original)', async () => {
    const dir = await tmp.make();
    const s = await openCheckpointStore({ dir, onLocked: 'fail' });
    await s.createSession({ id: SID, title: 'x' });
    await s.close();
    fs.unlinkSync(join(dir, 'CURRENT'));
    const before = (await readdir(dir)).sort();
    const logBefore = fs.existsSync(join(dir, 'LOG')) ? fs.readFileSync(join(dir, 'LOG'), 'utf8') : '';
    const backup = await repairCheckpointStore(dir, () => 1);
    tmp.adopt(backup);
    const inBackup = (await readdir(backup)).sort();
    assert.deepEqual(inBackup, before, 'the backup is the damaged directory as it was');
    assert.equal(fs.readFileSync(join(backup, 'LOG'), 'utf8'), logBefore, "LevelDB's info log in the backup is the original one");
  });

  it('a store opened with syncWrites:false that keeps a left-over segment does not fdatasync every commit', async () => {
    const dir = await tmp.make();
    process.env['KILL_AFTER'] = '5';
    const w = new FixtureProcess('storeWriter', [dir, SID, '1', '8', '0']);
    children.push(w);
    assert.equal((await w.exited).signal, 'SIGKILL');
    delete process.env['KILL_AFTER'];
    const plain = await withSegmentRemovalFailing(() => openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false, snapshotEvery: 8 }));
    let state = await stateOf(plain);
    const sync = fs.fdatasyncSync;
    let syncs = 0;
    (fs as { fdatasyncSync: unknown }).fdatasyncSync = (fd: number) => {
      syncs++;
      return sync(fd);
    };
    try {
      for (let step = 6; step <= 15; step++) {
        const b = buildStep(SID, step, state);
        await plain.commit(b.commit);
        state = b.next;
      }
    } finally {
      (fs as { fdatasyncSync: unknown }).fdatasyncSync = sync;
    }
    await assertWorkloadSteps(plain, SID, 15, 'after');
    await plain.close();
    assert.ok(syncs <= 2, `10 commits of a store opened with syncWrites:false made ${syncs} fdatasync calls`);
  });

  it('read-only opens while an owner with its write-ahead log (openCheckpointStore defaults) is busy writing all succeed', async () => {
    const dir = await tmp.make();
    const a = new FixtureProcess('storeWriter', [dir, SID, '1', '8', '0']);
    children.push(a);
    await a.waitFor(/^committed 20$/);
    const failures: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const ro = await openCheckpointStore({ dir });
        await ro.close();
      } catch (e) {
        failures.push(`${(e as { code?: string }).code}: ${(e as Error).message}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
