import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RewindMemory } from '../../../src/core/checkpoints/checkpointEvents';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind, planUndo, undoable } from '../../../src/core/checkpoints/rewindPlan';
import { CheckpointError, type RewindData, type RewindUndoneData, stagingTag } from '../../../src/core/checkpoints/checkpointEvents';
import { memoryTools } from '../../../src/core/memory/memoryTools';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { type OpenedMemory, openMemory } from '../../../src/core/memory/openMemory';
import { applyEvents, emptyTimeline, type TimelineLookups } from '../../../src/core/runner/timelineView';
import type { JournalEvent, SessionId } from '../../../src/core/store/types';
import { builtinTools } from '../../../src/core/tools/registry';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

const none: TimelineLookups = { messageText: () => undefined, lineStats: () => undefined };

describe('an undo stopped between its record and its memory: the sidebar keeps offering it, and one in an older journal loses no memory', function () {
  this.timeout(30_000);
  let h: Harness;
  let mem: OpenedMemory | undefined;
  afterEach(async () => {
    await mem?.close();
    mem = undefined;
    await h?.close();
  });

  /** Step 1 remembers A, step 2 writes a.txt, step 3 remembers B. */
  async function session() {
    h = await harness(
      [
        toolUse('m1', 'remember', { kind: 'fact', text: 'The API lives in src/api.' }),
        toolUse('w1', 'write_file', { path: 'a.txt', content: 'two\n' }, { toolResultFor: 'm1' }),
        toolUse('m2', 'remember', { kind: 'fact', text: 'Tests are flaky on Fridays.' }, { toolResultFor: 'w1' }),
        finalText('ok', { toolResultFor: 'm2' }),
      ],
      { 'a.txt': 'one\n' },
    );
    mem = await openMemory(h.store, undefined);
    const runner = h.runner(new ScriptedGate(), { memory: mem.memory, tools: [...builtinTools(), ...memoryTools()] });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const m = mem;
    return { id, ws: new NodeWorkspace(h.workspace), m, facts: () => m.memory.list({ kind: 'fact' }).map((e) => e.text).sort() };
  }

  const journal = async (id: SessionId): Promise<JournalEvent[]> => {
    const out: JournalEvent[] = [];
    for await (const e of h.store.readEvents(id)) out.push(e);
    return out;
  };

  /** What the sidebar's timeline says of the rewind's Undo button. */
  const sidebarOffers = async (id: SessionId): Promise<boolean> => {
    const state = emptyTimeline();
    applyEvents(state, await journal(id), none);
    const notes = [...state.entries.values()].flatMap((x) => (x.kind === 'note' && x.rewind ? [x.rewind] : []));
    assert.equal(notes.length, 1);
    return !notes[0]?.undone;
  };

  /** The process dies at that point of the undo: here, the memory port fails there (`after`: once it re-applied the revert). */
  const dying = (m: OpenedMemory, after = false): RewindMemory => ({
    revertSessionAfter: (s, seq) => m.memory.revertSessionAfter(s, seq),
    canUndoRevert: (r) => m.memory.canUndoRevert(r),
    undoRevert: async (revertId) => {
      if (after) await m.memory.undoRevert(revertId);
      throw new Error('killed');
    },
  });

  it('an undo stopped between its record and the memory it re-applies (before it, or after it and before its settlement) is finished by the next undo: no memory write is left taken back', async () => {
    const { id, ws, m, facts } = await session();
    for (const stop of ['before', 'after'] as const) {
      const result = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'conversation' }), { memory: m.memory });
      assert.deepEqual(facts(), ['The API lives in src/api.']);
      await assert.rejects(undoRewind(h.store, ws, await planUndo(h.store, ws, id, result.rewindId), { memory: dying(m, stop === 'after') }), /killed/);
      assert.deepEqual(facts(), stop === 'before' ? ['The API lives in src/api.'] : ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
      const [listed] = await listRewinds(h.store, id);
      assert.ok(listed && undoable(listed), `still to undo (stopped ${stop} the memory)`);
      const again = await planUndo(h.store, ws, id, result.rewindId);
      assert.deepEqual([again.part, again.memoryReverts.length], [2, 1]);
      await undoRewind(h.store, ws, again, { memory: m.memory });
      assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
      assert.equal(undoable((await listRewinds(h.store, id))[0] as NonNullable<typeof listed>), false);
      await assert.rejects(planUndo(h.store, ws, id, result.rewindId), (e: unknown) => CheckpointError.is(e, 'INVALID') && /already undone/.test((e as Error).message));
    }
  });

  it('the sidebar keeps offering the undo of a conversation rewind whose undo stopped before its memory (as listRewinds and the Undo a Rewind command do)', async () => {
    const { id, ws, m, facts } = await session();
    const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'conversation' }), { memory: m.memory });
    assert.deepEqual(facts(), ['The API lives in src/api.']);
    assert.equal(await sidebarOffers(id), true);
    await assert.rejects(undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId), { memory: dying(m) }), /killed/);
    assert.deepEqual(facts(), ['The API lives in src/api.'], 'the memory writes are still taken back');
    const [listed] = await listRewinds(h.store, id);
    assert.ok(listed && undoable(listed), 'the command still offers it');
    assert.equal(await sidebarOffers(id), true, 'the sidebar must offer it too (its Undo button)');
    // Finished: the offer goes.
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId), { memory: m.memory });
    assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
    assert.equal(await sidebarOffers(id), false);
  });

  it('the sidebar keeps offering a both-mode undo whose files were done and whose memory stopped twice (part 2 writes no file)', async () => {
    const { id, ws, m, facts } = await session();
    const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'both' }), { memory: m.memory });
    assert.equal(await readFile(join(h.workspace, 'a.txt'), 'utf8'), 'one\n');
    await assert.rejects(undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId), { memory: dying(m) }), /killed/);
    assert.equal(await readFile(join(h.workspace, 'a.txt'), 'utf8'), 'two\n', 'files given back');
    assert.equal(await sidebarOffers(id), true, 'part 1 has no settlement');
    await assert.rejects(undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId), { memory: dying(m) }), /killed/);
    assert.ok(undoable((await listRewinds(h.store, id))[0] as NonNullable<Awaited<ReturnType<typeof listRewinds>>[number]>));
    assert.equal(await sidebarOffers(id), true, 'part 2 (files already back, memory not) has no settlement either');
    await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId), { memory: m.memory });
    assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
    assert.equal(await sidebarOffers(id), false);
  });

  it('a journal from before the change: an undo record with a tag and no settlement (the old code stopped before its settlement, so before its memory) leaves the memory writes to the next undo', async () => {
    const { id, ws, m, facts } = await session();
    const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'both' }), { memory: m.memory });
    assert.deepEqual(facts(), ['The API lives in src/api.']);
    // What the old undo() committed before a crash cut it short: its record (no memoryReverts), nothing after.
    const events = await journal(id);
    const rewind = events.find((e) => e.type === 'rewind')?.data as RewindData;
    const tag = stagingTag(r.rewindId, true, 1);
    const old: RewindUndoneData = { rewindId: r.rewindId, files: rewind.files.map((f) => ({ path: f.path, fromHash: f.toHash, toHash: f.fromHash })), skipped: [], tag, at: 1 };
    const head = events[events.length - 1] as JournalEvent;
    await h.store.commit({ sessionId: id, expectedHeadSeq: head.seq, events: [{ step: head.step, type: 'rewind_undone', data: old }], summary: { unsettled: [tag] } });
    // The rewind is on offer again (its files are left: the old record never settled)...
    const [listed] = await listRewinds(h.store, id);
    assert.ok(listed && undoable(listed));
    assert.deepEqual(listed?.left, ['a.txt']);
    // ...and its undo must give the memory back too: the old code never reached it.
    const plan = await planUndo(h.store, ws, id, r.rewindId);
    assert.equal(plan.part, 2);
    assert.equal(plan.memoryReverts.length, 1, 'the memory the old undo never re-applied is offered again');
    await undoRewind(h.store, ws, plan, { memory: m.memory });
    assert.equal(await readFile(join(h.workspace, 'a.txt'), 'utf8'), 'two\n');
    assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
    await assert.rejects(planUndo(h.store, ws, id, r.rewindId), (e: unknown) => CheckpointError.is(e, 'INVALID'));
  });

  it('sound: part 2 of a both-mode undo whose part 1 settled its memory but left a file needs no memory (done without it)', async () => {
    const { id, ws, m, facts } = await session();
    const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 1, { mode: 'both' }), { memory: m.memory });
    // Edited since the rewind: part 1 leaves it alone.
    await (await import('node:fs/promises')).writeFile(join(h.workspace, 'a.txt'), 'mine\n');
    const p1 = await planUndo(h.store, ws, id, r.rewindId);
    await undoRewind(h.store, ws, p1, { memory: m.memory });
    assert.deepEqual(facts(), ['Tests are flaky on Fridays.', 'The API lives in src/api.']);
    const p2 = await planUndo(h.store, ws, id, r.rewindId);
    assert.deepEqual([p2.part, p2.memoryReverts, p2.files.map((f) => f.path)], [2, [], ['a.txt']]);
    await undoRewind(h.store, ws, p2, { overwriteConflicts: ['a.txt'] });
    assert.equal(await readFile(join(h.workspace, 'a.txt'), 'utf8'), 'two\n');
    assert.equal(undoable((await listRewinds(h.store, id))[0] as NonNullable<Awaited<ReturnType<typeof listRewinds>>[number]>), false);
  });
});
