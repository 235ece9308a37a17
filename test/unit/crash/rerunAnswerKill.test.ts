import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApprovalRequestedData, ToolResultData } from '../../../src/core/runner/runEvents';
import type { JournalEvent } from '../../../src/core/store/types';
import type { FixtureProcess } from '../../fixtures/storeChild';
import { finalText, toolUse } from '../runner/runnerHarness';
import { type CrashDir, crashDir, runChild, journalOf, removeAfterEach } from './crashChild';

/**
 * What a command cut off by a crash had changed is the step's, whatever the user answers to "run it
 * again?" (see rerunQuestion): the answers other than approve and reject, and a crash after them.
 */
describe('the answer to "run the interrupted command again?" keeps what the cut-off run changed (real process, real LevelDB)', function () {
  this.timeout(90_000);
  let d: CrashDir | undefined;
  removeAfterEach(() => d, () => (d = undefined));

  const exists = (p: string) => access(p).then(() => true, () => false);
  const journal = journalOf;
  const resultOf = (events: JournalEvent[]) => events.find((e) => e.type === 'tool_result' && (e.data as ToolResultData).callId === 'c1')?.data as ToolResultData | undefined;
  const effects = (r: ToolResultData | undefined) => r?.sideEffects?.map((s) => `${s.kind} ${s.path}`) ?? [];

  /** SIGKILLs the child once the command has left `marker` in the signal folder. */
  async function killOnceRan(c: CrashDir, p: FixtureProcess, marker: string): Promise<void> {
    for (let i = 0; i < 400 && !(await exists(join(c.sig, marker))); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(await exists(join(c.sig, marker)), `the command left ${marker}`);
    p.child.kill('SIGKILL');
    assert.equal((await p.exited).signal, 'SIGKILL');
  }

  const FIRST = "printf 'a2\\n' > a.txt && touch ../sig/ran && sleep 20";

  it('answered with a reply to the model: the result records the files the cut-off run changed', async () => {
    d = await crashDir([toolUse('c1', 'run_command', { command: FIRST }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'a1\n' });
    await killOnceRan(d, runChild(d, 'none'), 'ran');
    const out = await runChild(d, 'none', { decision: 'respond', text: 'I ran it myself' }).exited;
    assert.equal(out.code, 0, out.stderr);
    const result = resultOf(await journal(d));
    assert.deepEqual(effects(result), ['modified a.txt'], 'a rewind to before the step cannot take back what the cut-off run changed');
    assert.match(result?.content ?? '', /files changed since the interrupted run began: M a\.txt/, 'the model is told what changed, as for a rejection');
  });

  it('answered with an edited command that is SIGKILLed too, then rejected: the result records what both cut-off runs changed', async () => {
    d = await crashDir([toolUse('c1', 'run_command', { command: FIRST }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'a1\n' });
    await killOnceRan(d, runChild(d, 'none'), 'ran');
    const edited = { decision: 'edit' as const, input: { command: "printf 'b2\\n' > b.txt && touch ../sig/ran2 && sleep 20" } };
    await killOnceRan(d, runChild(d, 'none', edited), 'ran2');
    const out = await runChild(d, 'none', 'reject').exited;
    assert.equal(out.code, 0, out.stderr);
    const events = await journal(d);
    const asked = events.filter((e) => e.type === 'approval_requested' && (e.data as ApprovalRequestedData).kind === 'command_rerun').map((e) => (e.data as ApprovalRequestedData).interrupted?.map((s) => `${s.kind} ${s.path}`));
    assert.deepEqual(asked, [['modified a.txt'], ['modified a.txt', 'created b.txt']], 'the second question names what both runs changed');
    assert.deepEqual(effects(resultOf(events)), ['modified a.txt', 'created b.txt']);
  });

  it('answered with an edited command the tool refuses (a field it does not know): the result records what the cut-off run changed', async () => {
    d = await crashDir([toolUse('c1', 'run_command', { command: FIRST }), finalText('done', { toolResultFor: 'c1' })], { 'a.txt': 'a1\n' });
    await killOnceRan(d, runChild(d, 'none'), 'ran');
    const out = await runChild(d, 'none', { decision: 'edit', input: { cmd: 'true' } }).exited;
    assert.equal(out.code, 0, out.stderr);
    const result = resultOf(await journal(d));
    assert.match(result?.content ?? '', /Invalid input for run_command/);
    assert.deepEqual(effects(result), ['modified a.txt']);
  });
});
