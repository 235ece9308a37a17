import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../../../src/core/checkpoints/checkpointEvents';
import { loadFileHistory } from '../../../src/core/checkpoints/fileHistory';
import { forkSession, referencedBlobs } from '../../../src/core/checkpoints/fork';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { messageChars } from '../../../src/core/runner/compaction';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import type { SessionId } from '../../../src/core/store/types';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';
import { A0, A2, FILES, NOTES, STEPS, builtSession, sha } from './checkpointHarness';

describe('fork: a new session continuing from a step of another (real runner on the fork)', function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('copies the journal up to the end of the step, links the parent, runs to completion, and leaves the original intact', async () => {
    const b = await builtSession();
    h = b.h;
    const original = await h.events(b.id);
    const originalRow = await h.store.getSession(b.id);
    const fork = await forkSession(h.store, b.id, 2);
    const cut = original.findIndex((e) => e.type === 'model_turn' && e.data.turn === 3);
    assert.equal(fork.parent?.sessionId, b.id);
    assert.equal(fork.parent?.seq, cut, 'the parent link points at the last event of step 2');
    assert.equal(fork.parent?.step, 2);
    assert.equal(fork.status, 'paused');
    assert.equal(fork.stepCount, 2);

    h.server.push(toolUse('f1', 'write_file', { path: 'src/fork.ts', content: 'forked\n' }, { toolResultFor: 't2', toolResultIsError: false }));
    h.server.push(finalText('fork done', { toolResultFor: 'f1', toolResultIsError: false }));
    const out = await h.runner().run(fork.id);
    assert.equal(out.status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    assert.equal(await readFile(join(h.workspace, 'src/fork.ts'), 'utf8'), 'forked\n');

    const forked = await h.events(fork.id);
    assert.deepEqual(forked.slice(0, cut), original.slice(0, cut));
    assert.deepEqual(await h.events(b.id), original, 'the original journal is untouched');
    assert.deepEqual(await h.store.getSession(b.id), originalRow);
    const fh = await loadFileHistory(h.store, fork.id);
    assert.deepEqual(fh.paths, ['src/new.ts', 'src/a.ts', 'src/fork.ts']);
    assert.equal((await h.store.getSession(fork.id))?.stepCount, 4);
  });

  it('a fork of a fork is titled after the first session once, with the step it was taken at', async () => {
    const b = await builtSession();
    h = b.h;
    const title = (await h.store.getSession(b.id))?.title ?? '';
    const first = await forkSession(h.store, b.id, 2);
    assert.equal(first.title, `${title} (fork at step 2)`);
    const second = await forkSession(h.store, first.id, 1);
    assert.equal(second.title, `${title} (fork at step 1)`, 'one suffix, naming the step of this fork');
    assert.equal(second.parent?.sessionId, first.id, 'the parent link still tells which fork it came from');
    const named = await forkSession(h.store, first.id, 1, { title: 'my try (fork at step 9)' });
    assert.equal(named.title, 'my try (fork at step 9)', 'a title the caller gives is kept as it is');
  });

  it('keeps working after its source is deleted: the copy holds its own references to the blobs', async () => {
    const b = await builtSession();
    h = b.h;
    const fork = await forkSession(h.store, b.id, 1);
    await h.store.deleteSession(b.id, 'test');
    await h.store.vacuum();
    h.server.push(finalText('nothing more', { toolResultFor: 't1' }));
    assert.equal((await h.runner().run(fork.id)).status, 'completed');
    assert.equal((await loadFileHistory(h.store, fork.id)).paths.length, 1);
  });

  it('keeps the files a command changed after its source is deleted: a rewind of the fork restores them byte for byte', async () => {
    h = await harness(
      [
        toolUse('c1', 'run_command', { command: "printf 'gen\\n' > gen.txt && sed -i 's/x = 1/x = 2/' src/a.ts" }),
        finalText('done', { toolResultFor: 'c1' }),
      ],
      { 'src/a.ts': 'export const x = 1;\n' },
    );
    const capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    try {
      const runner = h.runner(new ScriptedGate(), { capture });
      const id = await h.start(runner);
      assert.equal((await runner.run(id)).status, 'completed');
      const effects = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? ((e.data as ToolResultData).sideEffects ?? []) : []));
      assert.deepEqual(effects.map((e) => [e.path, e.kind]), [['gen.txt', 'created'], ['src/a.ts', 'modified']]);

      const fork = await forkSession(h.store, id, 1, { message: 'go on' });
      await h.store.deleteSession(id, 'test');
      await h.store.vacuum();
      for (const e of effects) for (const hash of [e.beforeHash, e.afterHash]) if (hash) assert.ok(await h.store.hasBlob(hash as never), `${e.path}: ${hash} kept for the fork`);

      const ws = new NodeWorkspace(h.workspace);
      const plan = await planRewind(h.store, ws, fork.id, 0);
      assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.restorable]), [['gen.txt', 'delete', true], ['src/a.ts', 'restore', true]]);
      await applyRewind(h.store, ws, plan);
      assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), 'export const x = 1;\n');
      await assert.rejects(readFile(join(h.workspace, 'gen.txt')), { code: 'ENOENT' });
    } finally {
      await capture.dispose();
    }
  });

  it('counts the first message of a fork in its context size, as a message the user adds to a session is', async () => {
    const b = await builtSession();
    h = b.h;
    const message = 'Carry on, but keep the old API. '.repeat(1000);
    const fork = await forkSession(h.store, b.id, 2, { message });
    const added = (await h.events(fork.id)).filter((e) => e.type === 'message_added' && e.data.reason === 'human');
    assert.equal(added.length, 1);
    assert.equal(added[0]?.type === 'message_added' ? added[0].data.chars : undefined, messageChars({ role: 'user', content: message }));
  });

  it('references every blob its events point at: the conversation as required, file contents, outputs and findings when the store has them', () => {
    const m = (t: string) => sha(t);
    const refs = referencedBlobs([
      { type: 'session_started', data: { firstMessage: m('first') } },
      { type: 'model_turn', data: { message: m('turn') } },
      { type: 'tool_started', data: { callId: 'a', mutations: [{ path: 'x', beforeHash: m('x0'), afterHash: m('x1') }, { path: 'y', beforeHash: null, afterHash: m('y1') }] } },
      {
        type: 'tool_result',
        data: {
          callId: 'a',
          outputBlob: m('out'),
          diagnostics: { blob: m('findings') },
          merged: [{ path: 'x', beforeHash: m('x-disk'), afterHash: m('x-merged') }],
          sideEffects: [
            { path: 'g', kind: 'created', beforeHash: null, afterHash: m('g1') },
            { path: 'img', kind: 'modified', beforeHash: m('img0'), afterHash: m('img1'), binary: true },
            { path: 'big', kind: 'modified', beforeHash: m('big0'), afterHash: m('big1'), tooLarge: true },
          ],
        },
      },
      { type: 'message_added', data: { message: m('results') } },
      { type: 'compacted', data: { summary: m('summary'), replaced: [m('first'), m('turn')] } },
      { type: 'compaction_undone', data: { restore: [m('first'), m('turn'), m('results')] } },
      { type: 'rewind', data: { files: [{ path: 'x', hash: m('not a runner event') }] } },
    ]);
    assert.deepEqual(new Set(refs.required), new Set([m('first'), m('turn'), m('results'), m('summary')]));
    assert.deepEqual(new Set(refs.optional), new Set([m('x0'), m('x1'), m('y1'), m('out'), m('findings'), m('x-disk'), m('x-merged'), m('g1'), m('img0'), m('img1'), m('big0'), m('big1')]));
  });

  it('a fork from the final step needs a message, which the model then receives', async () => {
    const b = await builtSession();
    h = b.h;
    await assert.rejects(forkSession(h.store, b.id, 4), (e: unknown) => CheckpointError.is(e, 'INVALID'));
    const fork = await forkSession(h.store, b.id, 4, { message: 'also rename beta' });
    h.server.push(finalText('renamed', { lastUserContains: 'also rename beta' }));
    assert.equal((await h.runner().run(fork.id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
  });

  it('a step that never settled (a crash inside it) forks from the end of the step before', async () => {
    h = await harness(STEPS(), FILES);
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:edit_file') }).run(id), Crash);
    const fork = await forkSession(h.store, id, 2);
    const source = await h.events(id);
    assert.equal(fork.parent?.seq, source.findIndex((e) => e.type === 'model_turn' && e.data.turn === 2), 'cut before turn 2');
    assert.equal(fork.stepCount, 1);
    h.server.load([toolUse('t2b', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 11;' }, { toolResultFor: 't1' }), finalText('ok', { toolResultFor: 't2b' })]);
    assert.equal((await h.runner().run(fork.id)).status, 'completed');
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A0.replace('return 1;', 'return 11;'));
  });

  it('a runner taking a session up during its rewind waits: the rewind settles first, then the run starts', async () => {
    const b = await builtSession();
    h = b.h;
    const harness = h;
    const ws = new NodeWorkspace(h.workspace);
    const fork = await forkSession(h.store, b.id, 2);
    const plan = await planRewind(h.store, ws, fork.id, 1);
    // Resume is asked for right after the rewind's record, while its renames (made slow here) go on.
    const slow = Object.create(ws, {
      stageFiles: {
        value: async (...args: Parameters<typeof ws.stageFiles>) => {
          const staged = await ws.stageFiles(...args);
          const apply = staged.apply.bind(staged);
          return Object.assign(staged, { apply: async (g?: Parameters<typeof apply>[0]) => (await new Promise((r) => setTimeout(r, 150)), apply(g)) });
        },
      },
    }) as typeof ws;
    const store = h.store;
    const commit = store.commit.bind(store);
    let run: Promise<unknown> | undefined;
    store.commit = async (c) => {
      const done = await commit(c);
      if (c.events[0]?.type === 'rewind') run = harness.runner().run(fork.id);
      return done;
    };
    h.server.push(finalText('done again', { toolResultFor: 't2' }));
    // (The disk holds what the source session left, not the fork: its own version to overwrite.)
    assert.deepEqual(plan.files.filter((f) => f.action !== 'none').map((f) => [f.path, f.conflict]), [['src/a.ts', true]]);
    const r = await applyRewind(store, slow, plan, { overwriteConflicts: ['src/a.ts'] });
    store.commit = commit;
    assert.deepEqual(await run, { sessionId: fork.id, status: 'completed' });
    assert.deepEqual([r.written, r.skipped], [['src/a.ts'], []]);
    const types = (await h.events(fork.id)).map((e) => e.type as string);
    const at = types.indexOf('rewind');
    assert.deepEqual(types.slice(at, at + 3), ['rewind', 'rewind_settled', 'status'], types.join(' '));
  });

  it('a conversation rewind retried after a crash between its fork and its record finds that fork instead of making another', async () => {
    const b = await builtSession();
    h = b.h;
    const store = h.store;
    const ws = new NodeWorkspace(h.workspace);
    const sessions = async () => (await store.listSessions()).sessions.map((s) => s.id).sort();
    const before = await sessions();
    // The process dies when it commits the record: nothing after the fork runs, its clean-up neither.
    const dying = Object.create(store, {
      commit: { value: async (c: Parameters<typeof store.commit>[0]) => (c.events.some((e) => e.type === 'rewind') ? Promise.reject(new Error('killed')) : store.commit(c)) },
      deleteSession: { value: async () => Promise.reject(new Error('killed')) },
    }) as typeof store;
    await assert.rejects(applyRewind(dying, ws, await planRewind(store, ws, b.id, 2, { mode: 'conversation' })), /killed/);
    const left = (await sessions()).filter((id) => !before.includes(id));
    assert.equal(left.length, 1, 'the crashed attempt left its fork');
    const r = await applyRewind(store, ws, await planRewind(store, ws, b.id, 2, { mode: 'conversation' }));
    assert.equal(r.forkId, left[0], 'the retry recorded the fork the first attempt made');
    assert.deepEqual(await sessions(), [...before, r.forkId].sort());
    h.server.push(finalText('done again', { toolResultFor: 't2' }));
    assert.equal((await h.runner().run(r.forkId as SessionId)).status, 'completed', 'and it runs');

    // A fork the user went on in after the crash is theirs: a retry leaves it and makes another.
    await assert.rejects(applyRewind(dying, ws, await planRewind(store, ws, b.id, 2, { mode: 'conversation' })), /killed/);
    const orphan = (await sessions()).find((id) => !before.includes(id) && id !== r.forkId) as SessionId;
    assert.ok(orphan);
    const worked = await store.getSession(orphan);
    await store.commit({ sessionId: orphan, expectedHeadSeq: worked?.headSeq ?? -1, events: [{ step: 2, type: 'status', data: { status: 'paused', reason: 'the user was here' } }] });
    const again = await applyRewind(store, ws, await planRewind(store, ws, b.id, 2, { mode: 'conversation' }));
    assert.ok(again.forkId && again.forkId !== orphan && again.forkId !== r.forkId);
    assert.equal((await store.getSession(orphan))?.headSeq, (worked?.headSeq ?? 0) + 1, 'the fork the user worked in is untouched');
  });

  it('a rewind retried after a crash never takes a fork the user pinned or deleted meanwhile: it makes a new one, and its failure leaves theirs alone', async () => {
    const b = await builtSession();
    h = b.h;
    const store = h.store;
    const ws = new NodeWorkspace(h.workspace);
    const ids = async () => (await store.listSessions()).sessions.map((s) => s.id);
    const before = await ids();
    const failing = (why: string) =>
      Object.create(store, {
        commit: { value: async (c: Parameters<typeof store.commit>[0]) => (c.events.some((e) => e.type === 'rewind') ? Promise.reject(new Error(why)) : store.commit(c)) },
        deleteSession: { value: async () => Promise.reject(new Error(why)) },
      }) as typeof store;
    const plan = () => planRewind(store, ws, b.id, 2, { mode: 'conversation' });
    await assert.rejects(applyRewind(failing('killed'), ws, await plan()), /killed/);
    const orphan = (await ids()).find((id) => !before.includes(id)) as SessionId;
    await store.updateSession(orphan, { pinned: true });
    // The record fails again (no space left): the pinned fork was not this attempt's, and stays.
    const enospc = Object.create(store, { commit: { value: async (c: Parameters<typeof store.commit>[0]) => (c.events.some((e) => e.type === 'rewind') ? Promise.reject(new Error('ENOSPC')) : store.commit(c)) } }) as typeof store;
    await assert.rejects(applyRewind(enospc, ws, await plan()), /ENOSPC/);
    assert.ok(await store.getSession(orphan), 'the pinned fork is still there');
    const r = await applyRewind(store, ws, await plan());
    assert.ok(r.forkId && r.forkId !== orphan, 'a pinned fork is not taken over');

    // Deleted by the user: its id is not given out again (what is kept per session id would come back with it).
    const known = await ids();
    await assert.rejects(applyRewind(failing('killed'), ws, await plan()), /killed/);
    const deleted = (await ids()).find((id) => !known.includes(id)) as SessionId;
    await store.deleteSession(deleted, 'deleted by the user');
    const next = await applyRewind(store, ws, await plan());
    assert.ok(next.forkId && next.forkId !== deleted, 'a new id');
  });

  it('a conversation+files rewind ("both") continues in a fork, with the disk at that step', async () => {
    const b = await builtSession();
    h = b.h;
    const ws = new NodeWorkspace(h.workspace);
    const plan = await planRewind(h.store, ws, b.id, 2, { mode: 'both' });
    assert.equal(plan.conversation?.step, 2);
    assert.equal(plan.conversation?.messages.length, 5, 'task, turn 1, its results, turn 2, its results');
    const r = await applyRewind(h.store, ws, plan);
    assert.ok(r.forkId);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A2);
    assert.equal(await readFile(join(h.workspace, 'notes.txt'), 'utf8'), NOTES);
    // 'return 2;' exists only in the rewound file (step 3 made it 'return 20;').
    h.server.push(toolUse('f1', 'edit_file', { path: 'src/a.ts', old_text: 'return 2;', new_text: 'return 200;' }, { toolResultFor: 't2' }));
    h.server.push(finalText('done again', { toolResultFor: 'f1', toolResultIsError: false }));
    assert.equal((await h.runner().run(r.forkId)).status, 'completed');
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A2.replace('return 2;', 'return 200;'));
    assert.deepEqual(h.server.violations(), []);

    const conv = await planRewind(h.store, ws, b.id, 1, { mode: 'conversation' });
    assert.deepEqual(conv.files, [], 'conversation mode looks at no file');
  });
});
