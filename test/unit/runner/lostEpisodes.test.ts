import assert from 'node:assert/strict';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import { rememberLostEpisodes } from '../../../src/core/runner/sessionNotes';
import { allSessions } from '../../../src/core/store/allSessions';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, toolUse } from './runnerHarness';
import { memoryPerTest } from './memoryPerTest';

describe('the editor writes the episodes a crash lost, without running a session again', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();
  const openMem = memoryPerTest();

  it('a completed session whose episode was lost gets it, once; the others are left as they are; no model call', async () => {
    const h = await harness([finalText('Renamed the config loader.'), finalText('Tests added.'), toolUse('p1', 'write_file', { path: 'a.txt', content: 'x' })]);
    const mem = await openMem(h.store);
    // Completed, then the process died before the episode (the crash is after the completing turn's records).
    const crashing = h.runner(new ScriptedGate(), { memory: mem.memory, probe: crashAt('after:model_turn') });
    const lost = await h.start(crashing, 'rename the config loader');
    await assert.rejects(crashing.run(lost), Crash);
    // Completed with its episode written.
    const runner = h.runner(new ScriptedGate(), { memory: mem.memory });
    const whole = await h.start(runner, 'add the tests');
    assert.equal((await runner.run(whole)).status, 'completed');
    // Waiting for an approval: not finished, not touched.
    const waiting = await h.start(h.runner(new ScriptedGate(() => 'park'), { memory: mem.memory }), 'write a');
    assert.equal((await h.runner(new ScriptedGate(() => 'park'), { memory: mem.memory }).run(waiting)).status, 'waiting');
    const requests = h.server.requestCount();
    assert.deepEqual(mem.memory.list({ kind: 'episode' }).map((e) => e.createdBy.sessionId), [whole]);

    const sessions = () => allSessions((o) => h.store.listSessions(o));
    assert.deepEqual(await rememberLostEpisodes(h.store, mem.memory, await sessions()), [lost]);
    const episodes = mem.memory.list({ kind: 'episode' });
    assert.deepEqual(episodes.map((e) => [e.createdBy.sessionId, e.text]).sort(), [
      [lost, 'Task: rename the config loader\nOutcome: Renamed the config loader.'],
      [whole, 'Task: add the tests\nOutcome: Tests added.'],
    ].sort());
    assert.equal((await SessionJournal.open(h.store, lost)).state.episodeOf, lost, 'the journal says it is written');
    assert.equal((await SessionJournal.open(h.store, waiting)).state.status, 'waiting');
    assert.equal(h.server.requestCount(), requests, 'no model call');

    // Again (the next start of the editor): nothing to do, and no journal read for it: every finished
    // session has its episode in memory (a store of a thousand sessions is not read whole at each start).
    const opened = new Set<string>();
    const store = h.store;
    const counting = Object.create(store, {
      loadSession: {
        value: (id: string, ...rest: unknown[]) => {
          opened.add(id);
          return (store.loadSession as (...a: unknown[]) => Promise<unknown>).call(store, id, ...rest);
        },
      },
    }) as typeof store;
    assert.deepEqual(await rememberLostEpisodes(counting, mem.memory, await sessions()), []);
    assert.deepEqual([...opened], [], 'no journal read');
    assert.equal(mem.memory.list({ kind: 'episode' }).length, 2);
  });

  it('without long-term memory it does nothing', async () => {
    const h = await harness([finalText('Done.')]);
    const crashing = h.runner(new ScriptedGate(), { probe: crashAt('after:model_turn') });
    const id = await h.start(crashing);
    await assert.rejects(crashing.run(id), Crash);
    assert.deepEqual(await rememberLostEpisodes(h.store, undefined, await allSessions((o) => h.store.listSessions(o))), []);
    assert.equal((await SessionJournal.open(h.store, id)).state.episodeOf, undefined);
  });
});
