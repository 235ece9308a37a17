import assert from 'node:assert/strict';
import { openMemory } from '../../../src/core/memory/openMemory';
import { memoryTools } from '../../../src/core/memory/memoryTools';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { builtinTools } from '../../../src/core/tools/registry';
import { ScriptedGate, harnessPerTest } from '../runner/runnerHarness';
import { tempDirs } from '../store/helpers/tmp';
import { at } from './helpers';

/**
 * Two windows: the first holds the user memory (one store in global storage, read in every
 * project), the second reads a copy of it. The user deletes a user memory, and changes another, in
 * the first window's Memory view; the next session the second window starts must not be told the old ones.
 */
describe('a session started in a window that reads a copy of the user memory', function () {
  this.timeout(30_000);
  const tmp = tempDirs('memory-user-stale');
  after(() => tmp.cleanup());
  const harness = harnessPerTest();

  it('gets the user memories as they are now, not as they were when the window opened', async () => {
    const userDir = await tmp.make();
    const firstStore = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail', syncWrites: false });
    const first = await openMemory(firstStore, userDir);
    const h = await harness([]);
    let second: Awaited<ReturnType<typeof openMemory>> | undefined;
    try {
      const wrong = (await first.memory.remember({ kind: 'procedure', text: 'Deploy with `deploy --force`, skipping the checks.', scope: 'user' }, at('s1', 3, 'c1'))).entry;
      const changed = (await first.memory.remember({ kind: 'fact', text: 'Prefers deploy logs in German.', scope: 'user' }, at('s1', 4, 'c2'))).entry;
      assert.ok(wrong && changed);
      // The second window opens now: its copy holds both.
      second = await openMemory(h.store, userDir);
      assert.equal(second.memory.get(wrong.id)?.text, wrong.text);

      // In the first window, the user deletes the wrong one and corrects the other.
      const userOrigin = at('user', 0);
      await first.memory.forget(wrong.id, userOrigin, { ifVersion: wrong.version });
      await first.memory.edit(changed.id, { text: 'Prefers deploy logs in English.' }, userOrigin, { ifVersion: changed.version });

      const runner = h.runner(new ScriptedGate(), { memory: second.memory, tools: [...builtinTools(), ...memoryTools()] });
      const id = await h.start(runner, 'deploy the release');
      const started = (await h.events(id)).find((e) => e.type === 'session_started');
      const system = (started?.data as { system: string }).system;
      assert.doesNotMatch(system, /--force/, 'a user memory deleted in the other window is not in the prompt');
      assert.doesNotMatch(system, /German/, 'nor the old text of one changed there');
      assert.match(system, /Prefers deploy logs in English\./);
    } finally {
      await second?.close();
      await first.close();
      await firstStore.close();
    }
  });
});
