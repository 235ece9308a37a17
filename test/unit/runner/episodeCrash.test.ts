import assert from 'node:assert/strict';
import { memoryTools } from '../../../src/core/memory/memoryTools';
import { builtinTools } from '../../../src/core/tools/registry';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import { forkSession } from '../../../src/core/checkpoints/fork';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest } from './runnerHarness';
import { memoryPerTest } from './memoryPerTest';

describe('the episode of a finished session survives a crash right after the completion is journaled', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();
  const openMem = memoryPerTest();

  it('a crash between "completed" and the episode write: the next run of the session writes it, once', async () => {
    const h = await harness([finalText('Renamed the config loader.'), finalText('Also done.', { lastUserContains: 'and the tests' })]);
    const mem = await openMem(h.store);
    const deps = { memory: mem.memory, tools: [...builtinTools(), ...memoryTools()] };
    const runner = h.runner(new ScriptedGate(), { ...deps, probe: crashAt('after:model_turn') });
    const id = await h.start(runner, 'rename the config loader');
    await assert.rejects(runner.run(id), Crash);
    assert.equal((await SessionJournal.open(h.store, id)).state.status, 'completed', 'the completion is in the journal');
    assert.equal(mem.memory.list({ kind: 'episode' }).length, 0, 'the process died before the episode');

    const again = h.runner(new ScriptedGate(), deps);
    assert.equal((await again.run(id)).status, 'completed');
    const episodes = mem.memory.list({ kind: 'episode' });
    assert.deepEqual(episodes.map((e) => [e.createdBy.sessionId, e.text]), [[id, 'Task: rename the config loader\nOutcome: Renamed the config loader.']]);
    assert.ok((await h.events(id)).some((e) => e.type === 'episode_remembered'), 'the journal says the episode is written');
    await again.run(id);
    assert.equal(mem.memory.list({ kind: 'episode' }).length, 1, 'never twice');

    // A fork of the finished session that goes on and finishes leaves an episode of its own.
    const fork = await forkSession(h.store, id, 1, { message: 'and the tests' });
    assert.equal((await again.run(fork.id)).status, 'completed');
    assert.deepEqual(mem.memory.list({ kind: 'episode' }).map((e) => e.createdBy.sessionId).sort(), [id, fork.id].sort());
  });

  it('an episode taken back after it was journaled (forgotten) is not written again by a later run', async () => {
    const h = await harness([finalText('Done.')]);
    const mem = await openMem(h.store);
    const runner = h.runner(new ScriptedGate(), { memory: mem.memory });
    const id = await h.start(runner);
    await runner.run(id);
    const [episode] = mem.memory.list({ kind: 'episode' });
    assert.ok(episode);
    await mem.memory.forget(episode.id, { sessionId: 'user' as never, seq: 1 });
    await runner.run(id);
    assert.equal(mem.memory.list({ kind: 'episode' }).length, 0);
  });
});
