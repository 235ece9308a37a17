import assert from 'node:assert/strict';
import { MemoryStore } from '../../../src/core/memory/memoryStore';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { cliScratch } from './cliChild';

describe('savepoint memory while another process (a running session) holds the store (child process)', function () {
  this.timeout(60_000);
  const scratch = cliScratch('savepoint-cli-memlocked-');

  it('list, show, recall and reverts read a copy, as list and show of sessions do; forget, which writes, is refused', async () => {
    const { cli, store: dir } = await scratch([]);
    // This process is the one running a session: it holds the store, and has remembered something.
    const holder = await openCheckpointStore({ dir, onLocked: 'fail' });
    try {
      const space = new MemoryStore('workspace', holder.openSpace('memory'));
      for await (const batch of space.entries()) assert.deepEqual(batch, []);
      const id = (await space.create({ kind: 'procedure', text: 'The tests run with make test.' }, { sessionId: 'S1' as SessionId, seq: 3 })).entry?.id ?? '';
      for (const args of [['memory', 'list'], ['memory'], ['memory', 'show', id], ['memory', 'recall', 'tests']]) {
        const r = await cli(...args).catch((e: { code?: number; stderr?: string }) => assert.fail(`${args.join(' ')} failed (exit ${e.code}): ${e.stderr}`));
        assert.match(r.stdout, /The tests run with make test\./, args.join(' '));
      }
      assert.equal((await cli('memory', 'reverts')).stdout, 'No memory reverts.\n');
      const refused = await cli('memory', 'forget', id).then(
        () => assert.fail('forget succeeded while the store was held'),
        (e: { code?: number; stderr?: string }) => e,
      );
      assert.equal(refused.code, 5, refused.stderr);
    } finally {
      await holder.close();
    }
    const after = await openCheckpointStore({ dir, onLocked: 'fail' });
    const texts: string[] = [];
    for await (const batch of new MemoryStore('workspace', after.openSpace('memory')).entries()) texts.push(...batch.map((e) => e.text));
    await after.close();
    assert.deepEqual(texts, ['The tests run with make test.'], 'nothing forgotten');
  });
});
