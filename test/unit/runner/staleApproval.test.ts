import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApprovalRequestedData, RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import type { SessionId } from '../../../src/core/store/types';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

const ORIGINAL = 'function one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n\nfunction three() {\n  return 3;\n}\n';
const OURS = ORIGINAL.replace('return 1;', 'return 100;');
const THEIRS_SAME = ORIGINAL.replace('return 1;', 'return -1; // mine');
// The user's second edit, made while the conflict question about THEIRS_SAME waited.
const LATER = THEIRS_SAME.replace('return 3;', 'return 3; // second edit');

const STEPS = () => [toolUse('w1', 'write_file', { path: 'src/f.ts', content: OURS }), finalText('done', { toolResultFor: 'w1' })];
const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));
const conflicts = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'approval_requested' && e.data.kind === 'conflict' ? [e.data] : []));
const parkConflicts = () => new ScriptedGate((r) => (r.kind === 'conflict' ? 'park' : { decision: 'approve' }));

describe('a conflict approval writes over the disk version its question showed, never a newer one', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const disk = () => readFile(join((h as Harness).workspace, 'src/f.ts'), 'utf8');
  const edit = (text: string) => writeFile(join((h as Harness).workspace, 'src/f.ts'), text);

  /** A write_file approval waits; the user edits the same lines; the conflict question asked then waits too. */
  async function conflictParked(): Promise<{ id: SessionId; shown: string }> {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const id = await h.start(h.runner());
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    await edit(THEIRS_SAME);
    const first = parkConflicts();
    assert.equal((await h.runner(first).run(id)).status, 'waiting');
    assert.deepEqual(first.asked.map((a) => a.kind), ['tool', 'conflict']);
    return { id, shown: first.asked[1]?.diff ?? '' };
  }

  it('an outside edit made while the conflict question waited is not written over by its approval', async () => {
    const { id, shown } = await conflictParked();
    await edit(LATER);
    const second = new ScriptedGate();
    assert.equal((await (h as Harness).runner(second).run(id)).status, 'completed');
    // The user approved the diff they were shown (against THEIRS_SAME), which never showed "// second edit" going away.
    assert.doesNotMatch(shown, /second edit/);
    const onDisk = await disk();
    assert.ok(onDisk.includes('// second edit') || second.asked.filter((a) => a.kind === 'conflict').length > 1, `the newer outside edit was silently overwritten:\n${onDisk}`);
  });

  it('is asked again with a fresh diff that shows the newer edit, and a rejection keeps it', async () => {
    const { id } = await conflictParked();
    await edit(LATER);
    const gate = new ScriptedGate((r) => (r.kind === 'conflict' && /second edit/.test(r.diff ?? '') ? { decision: 'reject', text: 'keep mine' } : { decision: 'approve' }));
    assert.equal((await (h as Harness).runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict', 'conflict']);
    assert.match(gate.asked[1]?.diff ?? '', /^-\s+return 3; \/\/ second edit$/m);
    assert.equal(await disk(), LATER);
    const questions = conflicts(await (h as Harness).events(id));
    assert.deepEqual(questions.map((q) => q.shownDisk), [
      [{ path: 'src/f.ts', hash: hashBytes(Buffer.from(THEIRS_SAME)) }],
      [{ path: 'src/f.ts', hash: hashBytes(Buffer.from(LATER)) }],
    ]);
    assert.equal(results(await (h as Harness).events(id)).find((r) => r.callId === 'w1')?.isError, true);
  });

  it('approved with the disk as the question showed it (across a restart), writes the session\'s version once, without asking again', async () => {
    const { id } = await conflictParked();
    const gate = new ScriptedGate();
    assert.equal((await (h as Harness).runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict']);
    assert.equal(await disk(), OURS);
    const w1 = results(await (h as Harness).events(id)).filter((r) => r.callId === 'w1');
    assert.equal(w1.length, 1);
    assert.equal(w1[0]?.isError, false);
  });

  it('a question journaled before the shown versions were kept is asked once more, then its approval writes', async () => {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const id = await h.start(h.runner());
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    await edit(THEIRS_SAME);
    // An older version of Savepoint journaled the question without `shownDisk`.
    const commit = h.store.commit.bind(h.store);
    const withoutShown = ({ shownDisk, ...rest }: ApprovalRequestedData) => (void shownDisk, rest);
    h.store.commit = (step) => commit({ ...step, events: step.events.map((e) => (e.type === 'approval_requested' ? { ...e, data: withoutShown(e.data as ApprovalRequestedData) } : e)) });
    assert.equal((await h.runner(parkConflicts()).run(id)).status, 'waiting');
    h.store.commit = commit;
    assert.equal(conflicts(await h.events(id))[0]?.shownDisk, undefined);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict', 'conflict'], 'which disk version the old question showed is unknown: asked again');
    assert.match(gate.asked[1]?.diff ?? '', /return -1; \/\/ mine/);
    assert.equal(await disk(), OURS);
  });

  describe('an edit in flight at a crash, whose file the user changed', () => {
    async function crashedThenConflict(): Promise<SessionId> {
      h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
      const id = await h.start(h.runner());
      await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:write_file') }).run(id), Crash);
      await edit(THEIRS_SAME);
      const first = parkConflicts();
      assert.equal((await h.runner(first).run(id)).status, 'waiting');
      assert.deepEqual(first.asked.map((a) => a.kind), ['conflict']);
      // The question shows what approving it writes over, as a question before the call started does.
      assert.match(first.asked[0]?.diff ?? '', /^-\s+return -1; \/\/ mine\n\+\s+return 100;$/m);
      return id;
    }

    it('changed again while the conflict question waited: asked again with a fresh diff, never written over unasked', async () => {
      const id = await crashedThenConflict();
      await edit(LATER);
      const gate = new ScriptedGate((r) => (/second edit/.test(r.diff ?? '') ? { decision: 'reject', text: 'keep mine' } : { decision: 'approve' }));
      assert.equal((await (h as Harness).runner(gate).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict', 'conflict']);
      assert.equal(await disk(), LATER);
      assert.equal(results(await (h as Harness).events(id)).find((r) => r.callId === 'w1')?.recovered, 'skipped');
    });

    it('unchanged since the question: its approval writes the session\'s version once', async () => {
      const id = await crashedThenConflict();
      const gate = new ScriptedGate();
      assert.equal((await (h as Harness).runner(gate).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict']);
      assert.equal(await disk(), OURS);
      assert.equal(results(await (h as Harness).events(id)).find((r) => r.callId === 'w1')?.recovered, 'applied');
      assert.deepEqual((h as Harness).server.duplicateTurns(), []);
    });
  });
});
