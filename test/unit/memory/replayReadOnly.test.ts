import assert from 'node:assert/strict';
import { openMemory } from '../../../src/core/memory/openMemory';
import { MemoryStore } from '../../../src/core/memory/memoryStore';
import { StoreError } from '../../../src/core/store/errors';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { tempDirs } from '../store/helpers/tmp';
import { at } from './helpers';

/**
 * A session resumed in a window that only reads the user memory (another window holds it) runs its
 * call in flight again: the write that call made before the crash is there, and is its answer.
 */
describe('a memory call run again at resume, where the memory is read-only', () => {
  const tmp = tempDirs('memory-replay-readonly');
  after(() => tmp.cleanup());

  it('answers with the write it made before, instead of saying nothing was written', async () => {
    const userDir = await tmp.make();
    const holder = await openCheckpointStore({ dir: userDir, onLocked: 'fail', syncWrites: false });
    const held = new MemoryStore('user', holder.openSpace('memory'));
    for await (const batch of held.entries()) assert.deepEqual(batch, []);
    // The call ran once, before the crash (the process that made it wrote to the store it held then).
    const made = await held.create({ kind: 'fact', text: 'Prefers short answers.' }, at('s1', 12, 'toolu_01'));
    const forgotten = await held.create({ kind: 'fact', text: 'Uses yarn.' }, at('s1', 3, 'toolu_00'));
    await held.forget(forgotten.entry?.id ?? ('' as never), at('s1', 14, 'toolu_02'));

    const ws = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail', syncWrites: false });
    const reader = await openMemory(ws, userDir);
    try {
      const again = await reader.memory.port({ ...at('s1', 12, 'toolu_01'), step: 2 }).remember({ kind: 'fact', text: 'Prefers short answers.', scope: 'user' });
      assert.equal(again.replayed, true);
      assert.equal(again.entry.id, made.entry?.id);
      const gone = await reader.memory.port({ ...at('s1', 14, 'toolu_02'), step: 3 }).forget(forgotten.entry?.id ?? ('' as never));
      assert.equal(gone.text, 'Uses yarn.');
      // A new write is still refused while the other window holds the store.
      await assert.rejects(reader.memory.port({ ...at('s1', 15, 'toolu_03'), step: 4 }).remember({ kind: 'fact', text: 'New.', scope: 'user' }), (e) => StoreError.is(e, 'READ_ONLY'));
    } finally {
      await reader.close();
      await ws.close();
      await holder.close();
    }
  });
});
