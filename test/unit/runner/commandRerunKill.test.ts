import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finalText, toolUse } from './runnerHarness';
import { type KillDir, killDir, removeKillDir, runApprovalChild } from './approvalKill';

const STEPS = () => [toolUse('c1', 'run_command', { command: 'echo ran >> log.txt' }), finalText('done', { toolResultFor: 'c1' })];
const log = (d: KillDir) => readFile(join(d.ws, 'log.txt'), 'utf8').catch(() => '');

describe('a command the user let run again after a crash', function () {
  this.timeout(60_000);
  let d: KillDir | undefined;
  afterEach(async () => removeKillDir(d));

  it('SIGKILLed again during that re-run: the user is asked once more, the command is not run a third time unasked', async () => {
    d = await killDir(STEPS());
    // The first run: killed after the command ran, before its result was journaled.
    const first = await runApprovalChild(d, 'applied:run_command');
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.equal(await log(d), 'ran\n');
    // The user says "run it again"; that re-run is killed the same way.
    const second = await runApprovalChild(d, 'applied:run_command', { command_rerun: { decision: 'approve' } });
    assert.equal(second.signal, 'SIGKILL', second.stderr);
    assert.deepEqual(second.asked.map((a) => a.split(' ')[1]), ['command_rerun']);
    assert.equal(await log(d), 'ran\nran\n', 'the approved re-run ran once');
    // The user approved one more run, and it happened: it may have partly run again, so they are asked.
    const third = await runApprovalChild(d, 'none', { command_rerun: 'park' });
    assert.deepEqual(third.asked.map((a) => a.split(' ')[1]), ['command_rerun'], `asked: ${third.asked.join(', ') || 'nothing'}; status ${third.status}; log.txt: ${JSON.stringify(await log(d))}`);
    assert.equal(third.status, 'waiting');
    assert.equal(await log(d), 'ran\nran\n', 'not run a third time without the user');
  });
});
