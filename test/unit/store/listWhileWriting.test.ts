import assert from 'node:assert/strict';
import { allSessions } from '../../../src/core/store/allSessions';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { FixtureProcess } from '../../fixtures/storeChild';
import { tempDirs } from './helpers/tmp';

describe('listing 1,000 sessions while another process writes them (real processes, real LevelDB)', function () {
  this.timeout(120_000);
  const tmp = tempDirs('list-while-writing');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('each read-only open lists every session once, newest update first, never fewer than before; the writer loses nothing', async () => {
    const dir = await tmp.make();
    const writer = new FixtureProcess('manySessionsWriter', [dir, '1000']);
    try {
      await writer.waitFor(/^ready$/);
      let before = 1000;
      for (let round = 0; round < 5; round++) {
        const reader = await openCheckpointStore({ dir });
        assert.equal(reader.readOnly, true, 'the writer holds the store: the reader has a copy');
        const rows = await allSessions((o) => reader.listSessions(o), 200);
        await reader.close();
        const ids = rows.map((r) => r.id);
        assert.equal(new Set(ids).size, ids.length, `round ${round}: no session twice`);
        assert.ok(ids.length >= before, `round ${round}: ${ids.length} sessions, fewer than the ${before} listed before`);
        assert.ok(ids.includes('m0000' as never) && ids.includes('m0999' as never));
        for (let i = 1; i < rows.length; i++) assert.ok((rows[i - 1]?.updatedAt ?? 0) >= (rows[i]?.updatedAt ?? 0), `round ${round}: out of order at ${i}`);
        before = ids.length;
      }
      writer.send('stop');
      const [, commits, sessions] = (await writer.waitFor(/^stopped /)).split(' ');
      assert.equal((await writer.exited).code, 0);
      const store = await openCheckpointStore({ dir, onLocked: 'fail' });
      const all = await allSessions((o) => store.listSessions(o));
      assert.equal(all.length, Number(sessions));
      assert.equal(all.reduce((n, s) => n + s.headSeq, 0), Number(commits) * 2, 'every step the writer committed is there');
      await store.close();
    } finally {
      await writer.kill();
    }
  });
});
