import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finalText, toolUse } from './runnerHarness';
import { type KillDir, journalOf, killDir, removeKillDir, runApprovalChild } from './approvalKill';

const COMMAND = () => [toolUse('c1', 'run_command', { command: 'echo ran >> log.txt' }), finalText('done', { toolResultFor: 'c1' })];
const read = (d: KillDir, p: string) => readFile(join(d.ws, p), 'utf8').catch(() => '(absent)');
const kinds = (asked: string[]) => asked.map((a) => a.split(' ')[1]);

describe('the answer to a recovery, conflict or budget question, SIGKILLed right after it is journaled', function () {
  this.timeout(60_000);
  let d: KillDir | undefined;
  afterEach(async () => removeKillDir(d));

  for (const [answer, expected] of [
    ['reject', 'ran\n'],
    ['approve', 'ran\nran\n'],
  ] as const) {
    it(`"run the interrupted command again?" answered ${answer}: not asked again, the command ran ${answer === 'reject' ? 'once' : 'exactly once more'}`, async () => {
      d = await killDir(COMMAND());
      assert.equal((await runApprovalChild(d, 'applied:run_command')).signal, 'SIGKILL');
      const second = await runApprovalChild(d, 'after:approval_decided', { command_rerun: { decision: answer, text: 'it ran' } });
      assert.equal(second.signal, 'SIGKILL', second.stderr);
      assert.deepEqual(kinds(second.asked), ['command_rerun']);
      const third = await runApprovalChild(d, 'none', { command_rerun: 'park' });
      assert.equal(third.status, 'completed', `${third.stderr} asked: ${third.asked.join(', ')}`);
      assert.deepEqual(third.asked, []);
      assert.equal(await read(d, 'log.txt'), expected);
    });
  }

  it("a conflict over a write in flight, approved: not asked again, the session's version written once", async () => {
    const OURS = 'one\nTWO (agent)\nthree\n';
    d = await killDir([toolUse('w1', 'write_file', { path: 'f.txt', content: OURS }), finalText('done', { toolResultFor: 'w1' })], { 'f.txt': 'one\ntwo\nthree\n' });
    assert.equal((await runApprovalChild(d, 'inside:write_file')).signal, 'SIGKILL');
    await writeFile(join(d.ws, 'f.txt'), 'one\ntwo (mine)\nthree\n');
    const second = await runApprovalChild(d, 'after:approval_decided', { conflict: { decision: 'approve' } });
    assert.equal(second.signal, 'SIGKILL', second.stderr);
    assert.deepEqual(kinds(second.asked), ['conflict']);
    const third = await runApprovalChild(d, 'none', { conflict: 'park' });
    assert.equal(third.status, 'completed', `${third.stderr} asked: ${third.asked.join(', ')}`);
    assert.deepEqual(third.asked, []);
    assert.equal(await read(d, 'f.txt'), OURS);
    const w1 = (await journalOf(d)).flatMap((e) => (e.type === 'tool_result' && e.data.callId === 'w1' ? [e.data] : []));
    assert.equal(w1.length, 1);
  });

  it('a used-up step budget, raised: that question is not asked again, the raise holds (the next question is about the raised limit)', async () => {
    d = await killDir([toolUse('r1', 'read_file', { path: 'a.txt' }), toolUse('r2', 'read_file', { path: 'a.txt' }, { toolResultFor: 'r1' }), finalText('done', { toolResultFor: 'r2' })], { 'a.txt': 'hello\n' });
    const first = await runApprovalChild(d, 'after:approval_decided', { budget: { decision: 'approve' } }, { maxSteps: 1 });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.deepEqual(kinds(first.asked), ['budget']);
    const decided = first.asked[0]?.split(' ')[0];
    const second = await runApprovalChild(d, 'none');
    assert.equal(second.status, 'completed', second.stderr);
    assert.ok(!second.asked.some((a) => a.startsWith(`${decided} `)), `asked again: ${second.asked.join(', ')}`);
    const reasons = (await journalOf(d)).flatMap((e) => (e.type === 'approval_requested' ? [e.data.reasons.join('; ')] : []));
    assert.deepEqual(reasons, ['steps budget used: 1 of 1', 'steps budget used: 2 of 2']);
    assert.deepEqual(d.server.duplicateTurns(), []);
  });
});
