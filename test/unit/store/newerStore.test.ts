import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { RecordCodec } from '../../../src/core/store/codec';
import { StoreError } from '../../../src/core/store/errors';
import { keys } from '../../../src/core/store/keys';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { bytes, stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

describe('a store a newer Savepoint left (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('newer-store');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('with a write-ahead log in a newer log format (a crash of the newer version): refused as SCHEMA_UNSUPPORTED, not called damaged, the log left as it was', async () => {
    const dir = await tmp.make();
    const store = await openCheckpointStore({ dir });
    const s = await store.createSession({ title: 'made by the newer version' });
    await store.commit(stepCommit(s.id, 1, 0));
    await store.close();
    const raw = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await raw.put(keys.meta('schema'), new RecordCodec({ compressMin: 0 }).encode(bytes(JSON.stringify({ version: 2 }))));
    await raw.close();
    // The newer version's log: its own magic (the version in it bumped), then records this one cannot read.
    const segment = join(dir, 'SAVEPOINT-WAL-000001');
    const newerLog = Buffer.concat([Buffer.from('SPWAL02\n', 'latin1'), Buffer.from([0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])]);
    writeFileSync(segment, newerLog);

    await assert.rejects(openCheckpointStore({ dir }), (e: unknown) => {
      assert.ok(StoreError.is(e), String(e));
      assert.equal(e.code, 'SCHEMA_UNSUPPORTED', `a newer store is not damaged, and must not be offered a repair (got ${e.code}: ${e.message})`);
      return true;
    });
    assert.deepEqual(readFileSync(segment), newerLog, 'the newer log is left as it was');
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('SAVEPOINT-WAL-')), ['SAVEPOINT-WAL-000001']);
  });
});
