import assert from 'node:assert/strict';
import type { MemoryEntry } from '../../../src/core/memory/memoryTypes';
import { tempDirs } from '../store/helpers/tmp';
import { at, openMemory } from './helpers';

describe('prompt memories in a workspace with many procedures', () => {
  const tmp = tempDirs('memory-many-procedures');
  after(() => tmp.cleanup());

  it('procedures the task does not ask for leave room for the memories it does ask for', async () => {
    const m = await openMemory(await tmp.make());
    try {
      let seq = 1;
      for (let i = 0; i < 120; i++) {
        await m.memory.remember({ kind: 'procedure', text: `To regenerate fixture set ${i}, run scripts/fixtures.sh --set ${i} and commit the result under fixtures/${i}.` }, at('s', seq++));
      }
      const fact = (await m.memory.remember({ kind: 'fact', text: 'The payment webhook retries three times, then parks the event in the dead-letter queue.' }, at('s', seq++))).entry as MemoryEntry;
      const pinned = (await m.memory.remember({ kind: 'fact', text: 'Never push to main directly.', pinned: true }, at('s', seq++))).entry as MemoryEntry;

      const s = m.memory.selectForPrompt('Why does the payment webhook end up in the dead-letter queue?', 1500);
      assert.equal(s.entries[0]?.id, pinned.id, 'pinned first, as before');
      assert.ok(s.entries.some((e) => e.id === fact.id), 'the fact the task asks about is in the prompt');
      assert.ok(s.entries.some((e) => e.kind === 'procedure'), 'procedures still have a place');
      assert.ok(s.tokens <= 1500);
    } finally {
      await m.close();
    }
  });
});
