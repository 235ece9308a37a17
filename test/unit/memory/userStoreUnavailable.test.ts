import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryError } from '../../../src/core/memory/memoryTypes';
import { openMemory } from '../../../src/core/memory/openMemory';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { tempDirs } from '../store/helpers/tmp';
import { at } from './helpers';

describe('a user memory that could not be opened', () => {
  const tmp = tempDirs('memory-user-unavailable');
  after(() => tmp.cleanup());

  it('says why in the error a user-scope write gets, and is opened once it can be', async () => {
    const userDir = join(await tmp.make(), 'user-memory');
    await writeFile(userDir, 'not a folder');
    const ws = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail', syncWrites: false });
    const opened = await openMemory(ws, userDir);
    try {
      await assert.rejects(
        opened.memory.remember({ kind: 'fact', text: 'Answers in French.', scope: 'user' }, at('s', 1)),
        (e) => MemoryError.is(e, 'SCOPE_UNAVAILABLE') && /could not be opened/.test(e.message) && /not a folder/.test(e.message),
      );
      // The workspace scope works all along.
      await opened.memory.remember({ kind: 'fact', text: 'Uses pnpm.' }, at('s', 2));

      // Whatever stood in the way is gone: the next user-scope write opens the store.
      await rm(userDir);
      const r = await opened.memory.remember({ kind: 'fact', text: 'Answers in French.', scope: 'user' }, at('s', 3));
      assert.equal(r.entry?.scope, 'user');
      assert.equal(opened.memory.list({ scope: 'user' }).length, 1);
    } finally {
      await opened.close();
      await ws.close();
    }
  });
});
