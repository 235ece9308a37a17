import assert from 'node:assert/strict';
import type { MemoryEntry } from '../../../src/core/memory/memoryTypes';
import { tempDirs } from '../store/helpers/tmp';
import { at, openMemory } from './helpers';

/** A task or query holding one very long "word": a base64 blob, a minified line, a hash list without spaces. */
describe('searching memory with a very long word', () => {
  const tmp = tempDirs('memory-long-term');
  after(() => tmp.cleanup());

  it('a session whose task holds a 200 KB blob starts with the memories its other words ask for', async () => {
    const m = await openMemory(await tmp.make());
    try {
      const fact = (await m.memory.remember({ kind: 'fact', text: 'The image decoder expects base64 without line breaks.' }, at('s', 1))).entry as MemoryEntry;
      let blob = '';
      for (let i = 0; blob.length < 200_000; i++) blob += (i * 2654435761).toString(36);
      const task = `Why does the image decoder reject this payload? ${blob}`;
      const s = m.memory.selectForPrompt(task, 1500);
      assert.deepEqual(s.entries.map((e) => e.id), [fact.id]);
      assert.deepEqual(m.memory.recall(`decoder ${blob.slice(0, 1000)}`).map((h) => h.entry.id), [fact.id]);
      assert.deepEqual(m.memory.recall(blob).map((h) => h.entry.id), []);
    } finally {
      await m.close();
    }
  });
});
