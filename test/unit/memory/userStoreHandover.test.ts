import assert from 'node:assert/strict';
import { openMemory } from '../../../src/core/memory/openMemory';
import { MemoryStore } from '../../../src/core/memory/memoryStore';
import { StoreError } from '../../../src/core/store/errors';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { tempDirs } from '../store/helpers/tmp';
import { at } from './helpers';

/**
 * Two windows: the first holds the user memory (one store in global storage, shared by every
 * workspace); the second reads a copy of it. When the first closes, the second can write again.
 */
describe('the user memory of a second window, once the first window closes', () => {
  const tmp = tempDirs('memory-user-handover');
  after(() => tmp.cleanup());

  it('writes to the user scope again, and reads what the first window wrote', async () => {
    const userDir = await tmp.make();
    const first = await openCheckpointStore({ dir: userDir, onLocked: 'fail', syncWrites: false });
    const firstMemory = new MemoryStore('user', first.openSpace('memory'));
    // A space just opened is read by iterating it first, as LongTermMemory.open does.
    for await (const batch of firstMemory.entries()) assert.deepEqual(batch, []);
    const early = await firstMemory.create({ kind: 'fact', text: 'Prefers tabs.' }, at('window-a', 1));

    const ws = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail', syncWrites: false });
    const second = await openMemory(ws, userDir);
    try {
      assert.equal(second.memory.get(early.entry?.id ?? ('' as never))?.text, 'Prefers tabs.');
      await assert.rejects(second.memory.remember({ kind: 'fact', text: 'Answers in French.', scope: 'user' }, at('window-b', 1)), (e) => StoreError.is(e, 'READ_ONLY'));

      // The first window writes once more, then closes.
      const late = await firstMemory.create({ kind: 'fact', text: 'Uses pnpm, not npm.' }, at('window-a', 2));
      await first.close();

      const written = await second.memory.remember({ kind: 'fact', text: 'Answers in French.', scope: 'user' }, at('window-b', 2));
      assert.equal(written.entry?.scope, 'user');
      assert.equal(second.memory.get(late.entry?.id ?? ('' as never))?.text, 'Uses pnpm, not npm.', 'the index follows the store it now writes to');
      assert.deepEqual(second.memory.list({ scope: 'user' }).map((e) => e.text).sort(), ['Answers in French.', 'Prefers tabs.', 'Uses pnpm, not npm.']);
    } finally {
      await second.close();
      await ws.close();
    }

    // On disk, in the user store itself (not in a copy).
    const reopened = await openCheckpointStore({ dir: userDir, onLocked: 'fail', syncWrites: false });
    const texts: string[] = [];
    for await (const batch of new MemoryStore('user', reopened.openSpace('memory')).entries()) texts.push(...batch.map((e) => e.text));
    await reopened.close();
    assert.deepEqual(texts.sort(), ['Answers in French.', 'Prefers tabs.', 'Uses pnpm, not npm.']);
  });
});
