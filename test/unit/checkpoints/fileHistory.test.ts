import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDrift } from '../../../src/core/checkpoints/drift';
import { loadFileHistory } from '../../../src/core/checkpoints/fileHistory';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';
import { A0, A2, A3, NEW, NOTES, builtSession, sha } from './checkpointHarness';

describe('file history (from a journal written by the real runner)', function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('lists every touch per file in order, with step, seq, call and hashes; stateAfter gives each step', async () => {
    const b = await builtSession();
    h = b.h;
    const fh = await loadFileHistory(h.store, b.id);
    assert.deepEqual(fh.paths, ['src/new.ts', 'src/a.ts', 'notes.txt']);
    assert.deepEqual(
      fh.touchesOf('src/a.ts').map((t) => [t.step, t.callId, t.beforeHash, t.afterHash, t.outcome]),
      [
        [2, 't2', sha(A0), sha(A2), 'applied'],
        [3, 't4', sha(A2), sha(A3), 'applied'],
      ],
    );
    const seqs = fh.touches.map((t) => t.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    assert.deepEqual(fh.touchesOf('notes.txt').map((t) => [t.callId, t.beforeHash, t.afterHash]), [['t3', sha(NOTES), null]]);
    assert.equal(fh.lastStep, 4);
    const at = (step: number) => Object.fromEntries(fh.stateAfter(step));
    assert.deepEqual(at(0), { 'src/new.ts': null, 'src/a.ts': sha(A0), 'notes.txt': sha(NOTES) });
    assert.deepEqual(at(1), { 'src/new.ts': sha(NEW), 'src/a.ts': sha(A0), 'notes.txt': sha(NOTES) });
    assert.deepEqual(at(2), { 'src/new.ts': sha(NEW), 'src/a.ts': sha(A2), 'notes.txt': sha(NOTES) });
    assert.deepEqual(at(3), { 'src/new.ts': sha(NEW), 'src/a.ts': sha(A3), 'notes.txt': null });
    assert.deepEqual(at(4), at(3));
  });

  it('an edit rejected at approval never started: not part of the history', async () => {
    h = await harness(
      [toolUse('e1', 'edit_file', { path: 'a.txt', old_text: 'one', new_text: 'two' }), finalText('ok', { toolResultFor: 'e1', toolResultIsError: true })],
      { 'a.txt': 'one\n' },
    );
    const runner = h.runner(new ScriptedGate(() => ({ decision: 'reject', text: 'no' })));
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    // Rejected before it started: no intent record, so the file was never the session's to change.
    assert.deepEqual((await loadFileHistory(h.store, id)).paths, []);
  });

  it('a conflict declined at resume counts as not applied', async () => {
    h = await harness([toolUse('e1', 'edit_file', { path: 'a.txt', old_text: 'one', new_text: 'two' }), finalText('ok')], { 'a.txt': 'one\n' });
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:edit_file') }).run(id), Crash);
    await writeFile(join(h.workspace, 'a.txt'), 'mine\n');
    const gate = new ScriptedGate((r) => (r.kind === 'conflict' ? { decision: 'reject' } : { decision: 'approve' }));
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    const fh = await loadFileHistory(h.store, id);
    assert.deepEqual(fh.touchesOf('a.txt').map((t) => t.outcome), ['not_applied']);
    assert.deepEqual(Object.fromEntries(fh.stateAfter(1)), { 'a.txt': sha('one\n') });
  });

  it('an edit in flight at a crash is in_flight; the disk counts as unchanged before and after it', async () => {
    h = await harness([toolUse('e1', 'edit_file', { path: 'a.txt', old_text: 'one', new_text: 'two' }), finalText('ok')], { 'a.txt': 'one\n' });
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:edit_file') }).run(id), Crash);
    const fh = await loadFileHistory(h.store, id);
    assert.deepEqual(fh.touchesOf('a.txt').map((t) => t.outcome), ['in_flight']);
    assert.deepEqual(fh.lastState().get('a.txt'), { path: 'a.txt', hash: sha('one\n'), inFlight: sha('two\n') });
    const ws = new NodeWorkspace(h.workspace);
    assert.equal((await detectDrift(h.store, ws, id))[0]?.kind, 'unchanged');
    await writeFile(join(h.workspace, 'a.txt'), 'two\n');
    assert.equal((await detectDrift(h.store, ws, id))[0]?.kind, 'unchanged');
    await writeFile(join(h.workspace, 'a.txt'), 'three\n');
    assert.equal((await detectDrift(h.store, ws, id))[0]?.kind, 'changed');
  });
});
