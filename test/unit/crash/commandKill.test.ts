import assert from 'node:assert/strict';
import { access, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ApprovalRequestedData, ToolResultData } from '../../../src/core/runner/runEvents';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { finalText, toolUse } from '../runner/runnerHarness';
import { type CrashDir, SID, crashDir, runChild, journalOf, removeAfterEach } from './crashChild';

/**
 * The runner SIGKILLed while a command runs (the editor killed mid-`npm install`): at the resume,
 * what the command had changed is found from the change capture's log and recorded with the step,
 * whether the user runs it again or says it already ran; a rewind to before the step takes it back.
 */
describe('a command SIGKILLed mid-run (real process, real LevelDB)', function () {
  this.timeout(90_000);
  let d: CrashDir | undefined;
  removeAfterEach(() => d, () => (d = undefined));

  const exists = (p: string) => access(p).then(() => true, () => false);
  const events = journalOf;

  /** Reads a.txt (its old contents go into the store), then runs a command that edits, deletes and creates files, and is killed in the middle. */
  async function killedMidCommand(answer: 'approve' | 'reject', lastUserContains: string): Promise<CrashDir> {
    const c = await crashDir(
      [
        toolUse('r1', 'read_file', { path: 'a.txt' }),
        toolUse('c1', 'run_command', { command: "printf 'a2\\n' > a.txt && rm -f b.txt && mkdir -p gen && printf 'g\\n' > gen/x.ts && touch ../sig/ran && { [ -f ../sig/again ] || sleep 20; } && printf 'late\\n' > late.txt" }, { toolResultFor: 'r1' }),
        finalText('done', { toolResultFor: 'c1', lastUserContains }),
      ],
      { 'a.txt': 'a1\n', 'b.txt': 'b1\n', 'keep.txt': 'k\n' },
    );
    const first = runChild(c, 'none', answer);
    for (let i = 0; i < 400 && !(await exists(join(c.sig, 'ran'))); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(await exists(join(c.sig, 'ran')), 'the command ran');
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    return c;
  }

  it('"it already ran": the step records what the command had changed, the question names it, and a rewind to before it takes it back', async () => {
    d = await killedMidCommand('reject', 'files changed since the interrupted run began: M a.txt');
    const second = runChild(d, 'none', 'reject');
    const out = await second.exited;
    assert.equal(out.code, 0, out.stderr);
    assert.ok(second.lines.includes('asked command_rerun'));
    const journal = await events(d);
    const asked = journal.find((e) => e.type === 'approval_requested' && (e.data as ApprovalRequestedData).kind === 'command_rerun')?.data as ApprovalRequestedData;
    assert.match(asked.reasons[0] ?? '', /Since it began, these files changed \(by it, or by anyone after Savepoint stopped\): modified a\.txt, deleted b\.txt, created gen\/x\.ts; the step records them either way/);
    const result = journal.find((e) => e.type === 'tool_result' && (e.data as ToolResultData).callId === 'c1')?.data as ToolResultData;
    assert.equal(result.recovered, 'skipped');
    assert.deepEqual(result.sideEffects?.map((s) => `${s.kind} ${s.path}`), ['modified a.txt', 'deleted b.txt', 'created gen/x.ts']);
    assert.equal(result.sideEffects?.[0]?.unkept, undefined, "a.txt's old contents come from the session's store (the model read them)");
    assert.equal(result.sideEffects?.[1]?.unkept, true, "b.txt's died with the process: kept by hash only, and said so");

    // The rewind to the step before the command: a.txt back, gen/x.ts gone (with the user's OK); b.txt reported, not invented.
    const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
    try {
      const ws = new NodeWorkspace(d.ws);
      const plan = await planRewind(store, ws, SID as SessionId, 1);
      const byPath = new Map(plan.files.map((f) => [f.path, f]));
      assert.equal(byPath.get('b.txt')?.restorable, false);
      // Found after the crash, so maybe not the command's: each is asked about, and taken back with the user's OK.
      assert.deepEqual(plan.files.filter((f) => f.conflict).map((f) => f.path), ['a.txt', 'b.txt', 'gen/x.ts']);
      const asked = await applyRewind(store, ws, plan);
      assert.deepEqual([...asked.skipped].sort(), ['a.txt', 'b.txt', 'gen/x.ts'], 'nothing found after a crash is overwritten unasked');
      await applyRewind(store, ws, await planRewind(store, ws, SID as SessionId, 1), { overwriteConflicts: ['a.txt', 'gen/x.ts'] });
    } finally {
      await store.close();
    }
    assert.equal(await readFile(join(d.ws, 'a.txt'), 'utf8'), 'a1\n');
    assert.equal(await exists(join(d.ws, 'gen/x.ts')), false);
    assert.equal(await readFile(join(d.ws, 'keep.txt'), 'utf8'), 'k\n');
  });

  it('run again: the result holds the interrupted run and the run again together, each file once (before the first, after the second)', async () => {
    d = await killedMidCommand('approve', 'files changed by the command: M a.txt');
    // The run again finds what the first run left, and ends this time (no sleep), writing late.txt too.
    await writeFile(join(d.sig, 'again'), '');
    const out = await runChild(d, 'none', 'approve').exited;
    assert.equal(out.code, 0, out.stderr);
    const journal = await events(d);
    const result = journal.find((e) => e.type === 'tool_result' && (e.data as ToolResultData).callId === 'c1')?.data as ToolResultData;
    assert.equal(result.recovered, 'rerun');
    assert.deepEqual(result.sideEffects?.map((s) => `${s.kind} ${s.path}`), ['modified a.txt', 'deleted b.txt', 'created gen/x.ts', 'created late.txt']);
    const a = result.sideEffects?.[0];
    const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
    try {
      assert.equal(Buffer.from(await store.getBlob(a?.beforeHash as never)).toString(), 'a1\n', 'before the interrupted run, not as it left the file');
    } finally {
      await store.close();
    }
  });

  it('killed after the command ended, before its result was journaled: the resume still finds what it changed (its log is not swept as "nothing open")', async () => {
    d = await crashDir(
      [
        toolUse('c1', 'run_command', { command: "printf 'a2\\n' > a.txt && printf 'n\\n' > new.txt" }),
        finalText('done', { toolResultFor: 'c1', lastUserContains: 'files changed since the interrupted run began: M a.txt, A new.txt' }),
      ],
      { 'a.txt': 'a1\n' },
    );
    const first = await runChild(d, 'ended').exited;
    assert.equal(first.signal, 'SIGKILL', 'killed between the end of the capture and the result');
    const out = await runChild(d, 'none', 'reject').exited;
    const journal = await events(d);
    const asked = journal.find((e) => e.type === 'approval_requested' && (e.data as ApprovalRequestedData).kind === 'command_rerun')?.data as ApprovalRequestedData;
    assert.ok(asked, 'the command was asked about');
    assert.deepEqual(asked.interrupted?.map((s) => `${s.kind} ${s.path}`), ['modified a.txt', 'created new.txt'], 'the question names what the command changed');
    const result = journal.find((e) => e.type === 'tool_result' && (e.data as ToolResultData).callId === 'c1')?.data as ToolResultData;
    assert.deepEqual(result.sideEffects?.map((s) => `${s.kind} ${s.path}`), ['modified a.txt', 'created new.txt'], 'the step records them: a rewind can take them back');
    assert.equal(out.code, 0, out.stderr);
  });

  it('a run again SIGKILLed too, then one that ends: the step is recorded, and no dead process\'s log is kept for it any more', async () => {
    d = await killedMidCommand('approve', 'files changed by the command: M a.txt');
    // The run again (the user said yes) is killed mid-command as well.
    await unlink(join(d.sig, 'ran'));
    const second = runChild(d, 'none', 'approve');
    for (let i = 0; i < 400 && !(await exists(join(d.sig, 'ran'))); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(await exists(join(d.sig, 'ran')), 'the run again ran');
    second.child.kill('SIGKILL');
    assert.equal((await second.exited).signal, 'SIGKILL');
    await writeFile(join(d.sig, 'again'), '');
    const out = await runChild(d, 'none', 'approve').exited;
    assert.equal(out.code, 0, out.stderr);
    const journal = await events(d);
    const result = journal.find((e) => e.type === 'tool_result' && (e.data as ToolResultData).callId === 'c1')?.data as ToolResultData;
    assert.deepEqual(result.sideEffects?.map((s) => `${s.kind} ${s.path}`), ['modified a.txt', 'deleted b.txt', 'created gen/x.ts', 'created late.txt']);
    const logs = (await readdir(`${d.store}-capture-log`)).filter((n) => n.endsWith('.capture.log'));
    assert.deepEqual(logs, [], 'every command in the logs is recorded: nothing left to recover (kept 30 days otherwise, and read at every recover)');
  });

  it("a file the user writes after the crash, before the resume, is not taken for the command's: a rewind to before the step does not delete it without a question", async () => {
    d = await killedMidCommand('reject', 'files changed since the interrupted run began: M a.txt');
    // The editor is down; the user goes on working, then resumes the session (a day later, say).
    await writeFile(join(d.ws, 'notes.md'), 'my notes, written after the crash\n');
    const out = await runChild(d, 'none', 'reject').exited;
    assert.equal(out.code, 0, out.stderr);
    const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
    try {
      const ws = new NodeWorkspace(d.ws);
      const plan = await planRewind(store, ws, SID as SessionId, 1);
      const notes = plan.files.find((f) => f.path === 'notes.md');
      assert.ok(!notes || notes.conflict, `notes.md is deleted by the rewind, unasked: ${JSON.stringify(notes)}`);
      await applyRewind(store, ws, plan);
    } finally {
      await store.close();
    }
    assert.equal(await readFile(join(d.ws, 'notes.md'), 'utf8'), 'my notes, written after the crash\n');
  });
});
