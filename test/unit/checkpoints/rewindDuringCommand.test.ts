import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { CaptureMark } from '../../../src/core/ports/changeCapture';
import type { Workspace } from '../../../src/core/ports/workspace';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

/**
 * The sessions of a workspace share one change capture. A rewind (or its undo) of one session while
 * another session's command runs writes files that capture sees: told of them first (`holdWrites`), it
 * leaves them out of the command's changes, which are the command's own only. Otherwise the other
 * session journals the rewind as its command's work, and rewinding that session takes it back
 * without asking.
 */
describe('a rewind while another session\'s command runs', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('is not taken for that command\'s changes, nor is its undo', async () => {
    h = await harness([toolUse('c1', 'run_command', { command: "printf 'A1\\n' > a.txt" }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'A0\n', 'b.txt': 'B0\n' });
    const own = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await own.start();
    const runner = h.runner(new ScriptedGate(), { capture: own });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    await own.dispose();
    const ws = new NodeWorkspace(h.workspace);

    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    const holdWrites = shared.holdWrites.bind(shared);
    try {
      // Session B's command is running (its capture open) when the user rewinds session A.
      const mark = await shared.begin();
      const r = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 0), { holdWrites });
      assert.deepEqual(r.written, ['a.txt']);
      assert.equal(await readFile(path.join(h.workspace, 'a.txt'), 'utf8'), 'A0\n');
      await writeFile(path.join(h.workspace, 'b.txt'), 'B1\n'); // what B's command does
      const set = await shared.end(mark);
      assert.deepEqual(set.changes.map((c) => `${c.path} ${c.kind}`), ['b.txt modified']);

      // The undo, during the next command of B.
      const next = await shared.begin();
      const u = await undoRewind(h.store, ws, await planUndo(h.store, ws, id, r.rewindId), { holdWrites });
      assert.deepEqual(u.written, ['a.txt']);
      assert.equal(await readFile(path.join(h.workspace, 'a.txt'), 'utf8'), 'A1\n');
      assert.deepEqual((await shared.end(next)).changes, []);
    } finally {
      await shared.dispose();
    }
  });

  it('a command that begins after the rewind was recorded, before its renames land, does not take them for its own', async () => {
    h = await harness([toolUse('c1', 'run_command', { command: "printf 'A1\\n' > a.txt" }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'A0\n', 'b.txt': 'B0\n' });
    const own = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await own.start();
    const runner = h.runner(new ScriptedGate(), { capture: own });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    await own.dispose();

    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    let began: Promise<CaptureMark> | undefined;
    // Session B's command starts the moment the rewind has told the capture what it will write.
    const holdWrites = (w: Parameters<SerialCapture['holdWrites']>[0]) => {
      const release = shared.holdWrites(w);
      began ??= shared.begin();
      return release;
    };
    const real = new NodeWorkspace(h.workspace);
    // The renames come once B's capture is open (they are slower than a begin on a big rewind).
    const ws = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'stageFiles') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<Workspace['stageFiles']>) => {
          const staged = await target.stageFiles(...args);
          return new Proxy(staged, {
            get(s, q, r) {
              if (q !== 'apply') return Reflect.get(s, q, r);
              return async (...a: Parameters<typeof staged.apply>) => {
                if (began) await began;
                return s.apply(...a);
              };
            },
          });
        };
      },
    });
    try {
      const r = await applyRewind(h.store, ws, await planRewind(h.store, real, id, 0), { holdWrites });
      assert.deepEqual(r.written, ['a.txt']);
      assert.equal(await readFile(path.join(h.workspace, 'a.txt'), 'utf8'), 'A0\n');
      assert.ok(began, 'the writes were held');
      const mark = await began;
      await writeFile(path.join(h.workspace, 'b.txt'), 'B1\n'); // what B's command does
      const set = await shared.end(mark);
      assert.deepEqual(set.changes.map((c) => `${c.path} ${c.kind}`), ['b.txt modified'], 'the rewind\'s a.txt is session A\'s, not B\'s command\'s');
    } finally {
      await shared.dispose();
    }
  });

  it('a command that begins while the rewind stages its files does not take the staged temp file or the rename for its own', async () => {
    h = await harness([toolUse('c1', 'run_command', { command: "printf 'A1\\n' > a.txt" }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'A0\n', 'b.txt': 'B0\n' });
    const own = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await own.start();
    const runner = h.runner(new ScriptedGate(), { capture: own });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    await own.dispose();

    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    let began: Promise<CaptureMark> | undefined;
    // Session B's command starts the moment the rewind has told the capture what it will write.
    const holdWrites = shared.holdWrites.bind(shared);
    const real = new NodeWorkspace(h.workspace);
    // The renames come once B's capture is open (they are slower than a begin on a big rewind).
    const ws = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'stageFiles') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<Workspace['stageFiles']>) => {
          const staged = await target.stageFiles(...args);
          // Session B's command begins now: the rewind has staged its files and not yet recorded itself.
          began ??= shared.begin();
          await began;
          return new Proxy(staged, {
            get(s, q, r) {
              if (q !== 'apply') return Reflect.get(s, q, r);
              return async (...a: Parameters<typeof staged.apply>) => {
                if (began) await began;
                return s.apply(...a);
              };
            },
          });
        };
      },
    });
    try {
      const r = await applyRewind(h.store, ws, await planRewind(h.store, real, id, 0), { holdWrites });
      assert.deepEqual(r.written, ['a.txt']);
      assert.equal(await readFile(path.join(h.workspace, 'a.txt'), 'utf8'), 'A0\n');
      assert.ok(began, 'the writes were held');
      const mark = await began;
      await writeFile(path.join(h.workspace, 'b.txt'), 'B1\n'); // what B's command does
      const set = await shared.end(mark);
      assert.deepEqual(set.changes.map((c) => `${c.path} ${c.kind}`), ['b.txt modified'], 'the rewind\'s a.txt is session A\'s, not B\'s command\'s');
    } finally {
      await shared.dispose();
    }
  });
});
