import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { allSessions } from '../../../src/core/store/allSessions';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { cliScratch } from './cliChild';
import { finalText } from '../runner/runnerHarness';

describe('the savepoint CLI on a store the editor encrypts (savepoint.store.encryptAtRest; real processes)', function () {
  this.timeout(60_000);
  const scratch = cliScratch('savepoint-cli-encrypted-');

  it('list and run exit 1 saying the sessions are encrypted and the command line has no key; no plain session is added', async () => {
    const s = await scratch([finalText('done')]);
    const key = randomBytes(32);
    const keyProvider = { getKey: async () => key };
    let store = await openCheckpointStore({ dir: s.store, onLocked: 'fail', keyProvider });
    await store.createSession({ title: 'encrypted session' });
    await store.close();
    for (const args of [['list'], ['run', 'a new task']]) {
      const failed = await s.cli(...args).then(
        (r) => assert.fail(`${args[0]} succeeded: ${r.stdout}`),
        (e: { code?: number; stderr?: string }) => e,
      );
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stderr ?? '', /^savepoint: the sessions in .+ are encrypted \(the editor's savepoint\.store\.encryptAtRest\), and the command line has no key for them: open them in the editor\. Nothing was changed\.\n$/);
    }
    store = await openCheckpointStore({ dir: s.store, onLocked: 'fail', keyProvider });
    assert.deepEqual((await allSessions((o) => store.listSessions(o))).map((r) => r.title), ['encrypted session']);
    await store.close();
  });
});
