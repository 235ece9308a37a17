import assert from 'node:assert/strict';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind, planUndo, undoable } from '../../../src/core/checkpoints/rewindPlan';
import { CheckpointError } from '../../../src/core/checkpoints/checkpointEvents';
import { memoryTools } from '../../../src/core/memory/memoryTools';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { join } from 'node:path';
import { type OpenedMemory, openMemory } from '../../../src/core/memory/openMemory';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import type { RunnerDeps } from '../../../src/core/runner/runner';
import { builtinTools } from '../../../src/core/tools/registry';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

const REMEMBER = { kind: 'procedure', text: 'The project builds and tests with `make ci`.', tags: ['build'] };

describe('long-term memory in sessions: remember in one, recall in the next, exactly once across a crash', function () {
  this.timeout(30_000);
  let h: Harness;
  let mem: OpenedMemory | undefined;
  afterEach(async () => {
    await mem?.close();
    mem = undefined;
    await h?.close();
  });

  const deps = (m: OpenedMemory, extra: Partial<RunnerDeps> = {}): Partial<RunnerDeps> => ({ memory: m.memory, tools: [...builtinTools(), ...memoryTools()], ...extra });

  /** A session that remembers each input in its own turn (one step each), run to completion; `userDir` gives it a user memory store. */
  async function rememberingSession(inputs: Record<string, unknown>[], userDir?: (root: string) => string) {
    const steps = inputs.map((input, i) => toolUse(`m${i + 1}`, 'remember', input, i > 0 ? { toolResultFor: `m${i}` } : undefined));
    h = await harness([...steps, finalText('ok', { toolResultFor: `m${inputs.length}` })], {});
    mem = await openMemory(h.store, userDir?.(h.root));
    const runner = h.runner(new ScriptedGate(), deps(mem));
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    return { h, mem, id, ws: new NodeWorkspace(h.workspace) };
  }

  it('a fact remembered in one session is in the next session\'s prompt and recall; a finished session leaves an episode', async () => {
    h = await harness(
      [
        toolUse('m1', 'remember', REMEMBER),
        finalText('Noted the build command.', { toolResultFor: 'm1' }),
        // The second session: its system prompt carries the memory, and recall finds it.
        toolUse('q1', 'recall', { query: 'how to build' }, { systemContains: 'make ci' }),
        finalText('It builds with make ci.', { toolResultFor: 'q1', lastUserContains: 'make ci' }),
      ],
      {},
    );
    mem = await openMemory(h.store, undefined);
    const first = h.runner(new ScriptedGate(), deps(mem));
    const a = await h.start(first, 'find out how to build');
    assert.equal((await first.run(a)).status, 'completed');
    const gateB = new ScriptedGate();
    const second = h.runner(gateB, deps(mem));
    const b = await h.start(second, 'build the project');
    assert.equal((await second.run(b)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    assert.deepEqual(gateB.asked, [], 'memory reads and writes do not ask by default');
    const procedures = mem.memory.list({ kind: 'procedure' });
    assert.deepEqual(procedures.map((e) => [e.text, e.createdBy.sessionId]), [[REMEMBER.text, a]]);
    const episodes = mem.memory.list({ kind: 'episode' });
    assert.deepEqual(episodes.map((e) => e.createdBy.sessionId).sort(), [a, b].sort());
    assert.match(episodes.find((e) => e.createdBy.sessionId === a)?.text ?? '', /Task: find out how to build\nOutcome: Noted the build command\./);
    // Running a completed session again writes no second episode.
    await first.run(a);
    assert.equal(mem.memory.list({ kind: 'episode' }).length, 2);
  });

  it('a remember call in flight at a crash runs again at resume and writes nothing twice', async () => {
    h = await harness([toolUse('m1', 'remember', REMEMBER), finalText('ok', { toolResultFor: 'm1' })], {});
    mem = await openMemory(h.store, undefined);
    const id = await h.start(h.runner(new ScriptedGate(), deps(mem)));
    await assert.rejects(h.runner(new ScriptedGate(), deps(mem, { probe: crashAt('applied:remember') })).run(id), Crash);
    assert.equal(mem.memory.list({ kind: 'procedure' }).length, 1, 'the write happened before the crash');
    assert.equal((await h.runner(new ScriptedGate(), deps(mem)).run(id)).status, 'completed');
    assert.equal(mem.memory.list({ kind: 'procedure' }).length, 1);
    const m1 = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === 'm1');
    assert.equal(m1?.recovered, 'rerun');
    assert.equal(m1?.isError, false);
  });

  it('rewinding the conversation undoes the memory writes the session made after the target, and undoing the rewind brings them back', async () => {
    const { h, mem, id, ws } = await rememberingSession([
      { kind: 'fact', text: 'The API lives in src/api.' },
      { kind: 'fact', text: 'Tests are flaky on Fridays.' },
    ]);
    const facts = () => mem.memory.list({ kind: 'fact' }).map((e) => e.text).sort();
    assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
    const plan = await planRewind(h.store, ws, id, 1, { mode: 'conversation' });
    assert.equal((await mem.memory.previewRevert(id, plan.conversation?.seq ?? -1)).length, 2, 'the second fact and the episode');
    const result = await applyRewind(h.store, ws, plan, { memory: mem.memory });
    assert.equal(result.memoryWritesUndone, 2);
    assert.deepEqual(facts(), ['The API lives in src/api.'], 'what the session learnt after step 1 is gone with the conversation');
    assert.equal(mem.memory.list({ kind: 'episode' }).length, 0);
    // A conversation rewind writes no file, yet it has something to undo: it stays on offer.
    const [listed] = await listRewinds(h.store, id);
    assert.deepEqual([listed?.files, listed?.memoryReverts.length, listed && undoable(listed)], [[], 1, true]);
    // Without long-term memory at hand, the undo is refused rather than done without the memory writes.
    const undo = await planUndo(h.store, ws, id, result.rewindId);
    await assert.rejects(undoRewind(h.store, ws, undo), (e: unknown) => CheckpointError.is(e, 'INVALID') && /took back long-term memory writes/.test((e as Error).message));
    assert.ok(listed && undoable((await listRewinds(h.store, id))[0] as typeof listed), 'still not undone');
    await undoRewind(h.store, ws, undo, { memory: mem.memory });
    assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
    assert.equal(mem.memory.list({ kind: 'episode' }).length, 1);
    assert.equal(undoable((await listRewinds(h.store, id))[0] as typeof listed & object), false);
  });

  it('a conversation rewind retried after a crash between its memory revert and its record still takes those writes into its record, so its undo brings them back', async () => {
    const { h, mem, id, ws } = await rememberingSession([
      { kind: 'fact', text: 'The API lives in src/api.' },
      { kind: 'fact', text: 'Tests are flaky on Fridays.' },
    ]);
    const facts = () => mem.memory.list({ kind: 'fact' }).map((e) => e.text).sort();
    const plan = await planRewind(h.store, ws, id, 1, { mode: 'conversation' });
    // The first attempt reverted the memory writes, then the process died before the rewind record.
    await mem.memory.revertSessionAfter(id, plan.conversation?.seq ?? -1);
    assert.deepEqual(facts(), ['The API lives in src/api.']);
    const result = await applyRewind(h.store, ws, plan, { memory: mem.memory });
    assert.equal(result.memoryWritesUndone, 2, 'the writes the first attempt reverted belong to this rewind');
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, result.rewindId), { memory: mem.memory });
    assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
    // Rewinding again takes them back again, under a new revert, and no older one is claimed twice.
    const again = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'conversation' }), { memory: mem.memory });
    assert.equal(again.memoryWritesUndone, 2);
    const listed = await listRewinds(h.store, id);
    assert.equal(new Set(listed.flatMap((r) => r.memoryReverts)).size, listed.flatMap((r) => r.memoryReverts).length);
  });

  it('the undo of a conversation rewind is refused, with nothing written, while another window holds the user memory it must write back to', async () => {
    const first = await rememberingSession(
      [
        { kind: 'fact', text: 'A workspace fact.' },
        { kind: 'fact', text: 'User likes tabs.', scope: 'user' },
      ],
      (root) => join(root, 'user-memory'),
    );
    const { h, id, ws } = first;
    const userDir = join(h.root, 'user-memory');
    const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'conversation' }), { memory: first.mem.memory });
    assert.ok(r.memoryWritesUndone >= 1);
    await first.mem.close();
    // Another window holds the user store: this one reads a copy.
    const other = await openCheckpointStore({ dir: userDir, onLocked: 'fail', syncWrites: false });
    try {
      mem = await openMemory(h.store, userDir);
      const undo = await planUndo(h.store, ws, id, r.rewindId);
      await assert.rejects(undoRewind(h.store, ws, undo, { memory: mem.memory }), (e: unknown) => CheckpointError.is(e, 'INVALID') && /another window holds it/.test((e as Error).message));
      assert.equal((await listRewinds(h.store, id))[0]?.undone, false, 'not marked undone');
      await mem.close();
    } finally {
      await other.close();
    }
    mem = await openMemory(h.store, userDir);
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId), { memory: mem.memory });
    assert.deepEqual(mem.memory.list({ kind: 'fact' }).map((e) => e.text).sort(), ['A workspace fact.', 'User likes tabs.']);
  });

  it('two conversation rewinds of one session at once: one is recorded with every memory revert it made, the other is refused before it forks or reverts anything', async () => {
    const { h, mem, id, ws } = await rememberingSession([
      { kind: 'fact', text: 'F1' },
      { kind: 'fact', text: 'F2' },
      { kind: 'fact', text: 'F3' },
    ]);
    const [p1, p2] = [await planRewind(h.store, ws, id, 1, { mode: 'conversation' }), await planRewind(h.store, ws, id, 2, { mode: 'conversation' })];
    const rs = await Promise.allSettled([applyRewind(h.store, ws, p1, { memory: mem.memory }), applyRewind(h.store, ws, p2, { memory: mem.memory })]);
    assert.deepEqual(rs.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as unknown;
    assert.ok(CheckpointError.is(refused, 'STALE'), String(refused));
    const records = await listRewinds(h.store, id);
    assert.equal(records.length, 1);
    const claimed = new Set(records.flatMap((r) => r.memoryReverts));
    for (const r of await mem.memory.listReverts()) assert.ok(claimed.has(r.revertId), `revert ${r.revertId} belongs to no rewind`);
    assert.equal((await h.store.listSessions()).sessions.length, 2, 'the session and one fork');
  });
});
