import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { CaptureMark, FileChangeSet } from '../../../src/core/ports/changeCapture';
import type { Workspace } from '../../../src/core/ports/workspace';
import type { SessionId } from '../../../src/core/store/types';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

/**
 * The sessions of a workspace share one change capture. A rewind (or its undo) of one session while
 * another session's command runs writes files that capture sees: told of them first (`holdWrites`), it
 * leaves them out of the command's changes, which are the command's own only. Otherwise the other
 * session journals the rewind as its command's work, and rewinding that session takes it back
 * without asking. A write the rewind then does not make (the file changed after the plan) is
 * released as not written: the same change made by the command is the command's.
 */
describe('a rewind while another session\'s command runs', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  let shared: SerialCapture | undefined;
  afterEach(async () => {
    await shared?.dispose();
    shared = undefined;
    await h?.close();
  });

  /** Session A's one command (a.txt A0 -> A1), with a capture of its own; then the capture the sessions share from now on. */
  async function sessionA(): Promise<{ h: Harness; id: SessionId; real: NodeWorkspace; shared: SerialCapture }> {
    const made = await harness([toolUse('c1', 'run_command', { command: "printf 'A1\\n' > a.txt" }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'A0\n', 'b.txt': 'B0\n' });
    h = made;
    const own = new NodeChangeCapture(made.workspace, { contentStore: new MemoryContentStore() });
    await own.start();
    const runner = made.runner(new ScriptedGate(), { capture: own });
    const id = await made.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    await own.dispose();
    const inner = new NodeChangeCapture(made.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    shared = new SerialCapture(inner);
    return { h: made, id, real: new NodeWorkspace(made.workspace), shared };
  }

  /** The workspace whose stagings wait for `wait()` before their renames (slower than a begin on a big rewind); `staged` runs once the files are staged. */
  function slowRenames(real: NodeWorkspace, wait: () => Promise<unknown> | undefined, staged?: () => Promise<unknown>): Workspace {
    return new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'stageFiles') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<Workspace['stageFiles']>) => {
          const files = await target.stageFiles(...args);
          await staged?.();
          return new Proxy(files, {
            get(s, q, r) {
              if (q !== 'apply') return Reflect.get(s, q, r);
              return async (...a: Parameters<typeof files.apply>) => {
                await wait();
                return s.apply(...a);
              };
            },
          });
        };
      },
    });
  }

  /** B's command changes b.txt, then its capture ends: what it says the command changed. */
  async function bCommand(s: SerialCapture, root: string, mark: CaptureMark): Promise<string[]> {
    await writeFile(path.join(root, 'b.txt'), 'B1\n');
    const set: FileChangeSet = await s.end(mark);
    return set.changes.map((c) => `${c.path} ${c.kind}`);
  }

  it('is not taken for that command\'s changes, nor is its undo', async () => {
    const a = await sessionA();
    const holdWrites = a.shared.holdWrites.bind(a.shared);
    // Session B's command is running (its capture open) when the user rewinds session A.
    const mark = await a.shared.begin();
    const r = await applyRewind(a.h.store, a.real, await planRewind(a.h.store, a.real, a.id, 0), { holdWrites });
    assert.deepEqual(r.written, ['a.txt']);
    assert.equal(await readFile(path.join(a.h.workspace, 'a.txt'), 'utf8'), 'A0\n');
    assert.deepEqual(await bCommand(a.shared, a.h.workspace, mark), ['b.txt modified']);
    // The undo, during the next command of B.
    const next = await a.shared.begin();
    const u = await undoRewind(a.h.store, a.real, await planUndo(a.h.store, a.real, a.id, r.rewindId), { holdWrites });
    assert.deepEqual(u.written, ['a.txt']);
    assert.equal(await readFile(path.join(a.h.workspace, 'a.txt'), 'utf8'), 'A1\n');
    assert.deepEqual((await a.shared.end(next)).changes, []);
  });

  it('a command that begins after the rewind was recorded, before its renames land, does not take them for its own', async () => {
    const a = await sessionA();
    let began: Promise<CaptureMark> | undefined;
    // Session B's command starts the moment the rewind has told the capture what it will write.
    const holdWrites = (w: Parameters<SerialCapture['holdWrites']>[0]) => {
      const release = a.shared.holdWrites(w);
      began ??= a.shared.begin();
      return release;
    };
    const ws = slowRenames(a.real, () => began);
    const r = await applyRewind(a.h.store, ws, await planRewind(a.h.store, a.real, a.id, 0), { holdWrites });
    assert.deepEqual(r.written, ['a.txt']);
    assert.ok(began, 'the writes were held');
    assert.deepEqual(await bCommand(a.shared, a.h.workspace, await began), ['b.txt modified'], 'the rewind\'s a.txt is session A\'s, not B\'s command\'s');
  });

  it('a command that begins while the rewind stages its files does not take the staged temp file or the rename for its own', async () => {
    const a = await sessionA();
    let began: Promise<CaptureMark> | undefined;
    // Session B's command begins once the rewind has staged its files, before it records itself.
    const ws = slowRenames(
      a.real,
      () => began,
      () => (began ??= a.shared.begin()),
    );
    const r = await applyRewind(a.h.store, ws, await planRewind(a.h.store, a.real, a.id, 0), { holdWrites: a.shared.holdWrites.bind(a.shared) });
    assert.deepEqual(r.written, ['a.txt']);
    assert.equal(await readFile(path.join(a.h.workspace, 'a.txt'), 'utf8'), 'A0\n');
    assert.ok(began);
    assert.deepEqual(await bCommand(a.shared, a.h.workspace, await began), ['b.txt modified'], 'the rewind\'s a.txt is session A\'s, not B\'s command\'s');
  });

  it('a held write the rewind skipped (the command put the same bytes there first) is the command\'s change', async () => {
    const a = await sessionA();
    // B's command puts a.txt back to A0 (a checkout) right after the rewind was recorded, before its renames.
    const holdWrites = (w: Parameters<SerialCapture['holdWrites']>[0]) => {
      const release = a.shared.holdWrites(w);
      execFileSync('sh', ['-c', "printf 'A0\\n' > a.txt"], { cwd: a.h.workspace });
      return release;
    };
    const mark = await a.shared.begin();
    const r = await applyRewind(a.h.store, a.real, await planRewind(a.h.store, a.real, a.id, 0), { holdWrites });
    // The rewind saw a.txt change under it and left it alone: it wrote nothing.
    assert.deepEqual({ written: r.written, skipped: r.skipped }, { written: [], skipped: ['a.txt'] });
    assert.equal(await readFile(path.join(a.h.workspace, 'a.txt'), 'utf8'), 'A0\n');
    const set = await a.shared.end(mark);
    assert.deepEqual(set.changes.map((c) => `${c.path} ${c.kind}`), ['a.txt modified'], 'B\'s command changed a.txt (A1 -> A0); the rewind did not write it');
  });
});
