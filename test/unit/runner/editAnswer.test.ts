import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';
import { type KillDir, killDir, removeKillDir, runApprovalChild } from './approvalKill';

/**
 * 'edit' is an answer the port takes for any question, and the CLI offers it for every kind
 * (`savepoint approve --edit JSON`, and [e]dit at the terminal prompt). For the questions a
 * recovery or a conflict asks, the edited input must be what runs, or the question must stand:
 * never the original input the user chose to change.
 */
describe("an 'edit' answer to a recovery or conflict question", function () {
  this.timeout(60_000);
  let d: KillDir | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await removeKillDir(d);
    await h?.close();
    d = undefined;
    h = undefined;
  });

  it('to "run the interrupted command again?" (after a SIGKILL): the edited command runs, not the original', async () => {
    d = await killDir([toolUse('c1', 'run_command', { command: 'echo ran >> log.txt' }), finalText('done', { toolResultFor: 'c1' })]);
    const first = await runApprovalChild(d, 'applied:run_command');
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const second = await runApprovalChild(d, 'none', { command_rerun: { decision: 'edit', input: { command: 'echo edited >> other.txt' } } });
    assert.deepEqual(second.asked.map((a) => a.split(' ')[1]), ['command_rerun'], second.stderr);
    const log = await readFile(join(d.ws, 'log.txt'), 'utf8');
    const other = await readFile(join(d.ws, 'other.txt'), 'utf8').catch(() => '(absent)');
    assert.equal(log, 'ran\n', `the command the user edited ran again as it was; other.txt: ${other}`);
    assert.equal(other, 'edited\n', 'the command as the user edited it runs, once');
  });

  it("to a conflict question: the edited version is written, not the session's original over the user's change", async () => {
    const ORIGINAL = 'one\ntwo\nthree\n';
    const OURS = 'one\nTWO (agent)\nthree\n';
    const THEIRS = 'one\ntwo (mine)\nthree\n';
    h = await harness([toolUse('w1', 'write_file', { path: 'f.txt', content: OURS }), finalText('done', { toolResultFor: 'w1' })], { 'f.txt': ORIGINAL });
    const id = await h.start(h.runner());
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    await writeFile(join(h.workspace, 'f.txt'), THEIRS);
    const gate = new ScriptedGate((r) => (r.kind === 'conflict' ? { decision: 'edit', input: { path: 'f.txt', content: 'one\nedited by the user\nthree\n' } } : r.kind === 'tool' ? { decision: 'approve' } : 'park'));
    await h.runner(gate).run(id);
    assert.deepEqual(gate.asked.map((a) => a.kind).slice(0, 2), ['tool', 'conflict']);
    const disk = await readFile(join(h.workspace, 'f.txt'), 'utf8');
    assert.notEqual(disk, OURS, "the conflict's 'edit' answer wrote the original version over the user's change");
    assert.equal(disk, 'one\nedited by the user\nthree\n', 'the version the user edited is written');
  });
});
