import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listRewinds, undoable } from '../../../src/core/checkpoints/rewindPlan';
import { memoryTools } from '../../../src/core/memory/memoryTools';
import { openMemory } from '../../../src/core/memory/openMemory';
import { builtinTools } from '../../../src/core/tools/registry';
import { ScriptedGate, finalText, harness, toolUse } from '../runner/runnerHarness';
import { type Killed, child, withStore } from './crashChild';

/** Step 1 remembers A, step 2 writes a.txt, step 3 remembers B; on disk, its store closed. */
async function session(): Promise<Killed> {
  const h = await harness(
    [
      toolUse('m1', 'remember', { kind: 'fact', text: 'A: the API lives in src/api.' }),
      toolUse('w1', 'write_file', { path: 'a.txt', content: 'two\n' }, { toolResultFor: 'm1' }),
      toolUse('m2', 'remember', { kind: 'fact', text: 'B: tests are flaky on Fridays.' }, { toolResultFor: 'w1' }),
      finalText('ok', { toolResultFor: 'm2' }),
    ],
    { 'a.txt': 'one\n' },
  );
  const mem = await openMemory(h.store, undefined);
  const runner = h.runner(new ScriptedGate(), { memory: mem.memory, tools: [...builtinTools(), ...memoryTools()] });
  const id = await h.start(runner);
  assert.equal((await runner.run(id)).status, 'completed');
  await mem.close();
  await h.store.close();
  return { root: h.root, ws: h.workspace, store: join(h.root, 'store'), id, done: async () => { await h.server.close(); await rm(h.root, { recursive: true, force: true }); } };
}

const facts = (k: Killed) =>
  withStore(k, async (s) => {
    const m = await openMemory(s, undefined);
    const out = m.memory.list({ kind: 'fact' }).map((e) => e.text.slice(0, 1)).sort();
    await m.close();
    return out;
  });
const forks = (k: Killed) => withStore(k, async (s) => (await s.listSessions()).sessions.filter((x) => x.parent?.sessionId === k.id).length);

async function undoAll(k: Killed): Promise<void> {
  for (let n = 0; (await withStore(k, (s) => listRewinds(s, k.id))).some(undoable); n++) {
    assert.ok(n < 2, 'at most one undo per record');
    const u = await child(k, 'undo', 'none');
    assert.equal(u.code, 0, u.stderr);
  }
}

describe("a 'both' rewind (fork + memory) SIGKILLed at each point (real process, real LevelDB)", function () {
  this.timeout(120_000);
  for (const kill of ['created', 'forked', 'reverted', 'recorded', 'settle']) {
    it(`killed at ${kill}: done again, one fork per record, B taken back; undone, a.txt and B come back`, async () => {
      const k = await session();
      try {
        assert.equal((await child(k, 'rewind', kill, 1, 'both')).signal, 'SIGKILL');
        const again = await child(k, 'rewind', 'none', 1, 'both');
        assert.equal(again.code, 0, again.stderr);
        assert.equal(await readFile(join(k.ws, 'a.txt'), 'utf8'), 'one\n');
        assert.deepEqual(await facts(k), ['A']);
        // Killed after its record, the rewind was done (its fork made): the retry is a second rewind, with its own fork.
        assert.equal(await forks(k), ['created', 'forked', 'reverted'].includes(kill) ? 1 : 2);
        await undoAll(k);
        assert.equal(await readFile(join(k.ws, 'a.txt'), 'utf8'), 'two\n');
        assert.deepEqual(await facts(k), ['A', 'B']);
      } finally {
        await k.done();
      }
    });
  }

  for (const kill of ['staged', 'recorded', 'rename:1', 'settle']) {
    it(`its undo killed at ${kill}: the undo done again brings a.txt and B back, and nothing is left to undo`, async () => {
      const k = await session();
      try {
        assert.equal((await child(k, 'rewind', 'none', 1, 'both')).code, 0);
        assert.deepEqual(await facts(k), ['A']);
        assert.equal((await child(k, 'undo', kill)).signal, 'SIGKILL');
        await undoAll(k);
        assert.equal(await readFile(join(k.ws, 'a.txt'), 'utf8'), 'two\n');
        assert.deepEqual(await facts(k), ['A', 'B']);
      } finally {
        await k.done();
      }
    });
  }
});
