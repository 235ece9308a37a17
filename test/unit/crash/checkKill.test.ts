import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canFindStrays } from '../../../src/core/node/strayProcesses';
import { finalText, toolUse } from '../runner/runnerHarness';
import { killWithCommands } from '../../fixtures/killWithCommands';
import { type CrashDir, crashDir, journalOf, removeAfterEach, runChild } from './crashChild';

const exists = (p: string) => access(p).then(() => true, () => false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The check command (`savepoint.checkCommand`) runs in a process group of its own, as a command
 * does: its group stops with the runner, and so does a process it started outside the group (setsid,
 * a daemon), unless its death guard is killed too (`kill -9` of everything), as here. Its first run
 * here starts one that sleeps 6 s, then writes `late` beside the workspace (a checker in watch mode,
 * or one that hangs, would run for ever); the runs after it find nothing and end at once.
 */
const CHECK = 'if [ ! -e ../sig/checking ]; then setsid sh -c "touch ../sig/checking; sleep 6; echo late > ../sig/late" & wait; fi';

describe('a check command still running after its runner was SIGKILLed (real processes, real LevelDB)', function () {
  this.timeout(90_000);
  let d: CrashDir | undefined;
  removeAfterEach(() => d, () => (d = undefined));

  /** The runner SIGKILLed, and the check's group with it (its death guard too), while the check before its first step sleeps; when. */
  async function killedMidCheck(): Promise<{ c: CrashDir; killedAt: number }> {
    const c = await crashDir([toolUse('w1', 'write_file', { path: 'a.txt', content: 'one\n' }), finalText('done', { toolResultFor: 'w1' })], {});
    d = c;
    const first = runChild(c, 'none', 'approve', CHECK);
    for (let i = 0; i < 400 && !(await exists(join(c.sig, 'checking'))); i++) await sleep(25);
    assert.ok(await exists(join(c.sig, 'checking')), `the check ran: ${first.lines.join('\n')}`);
    killWithCommands(first.child.pid as number);
    assert.equal((await first.exited).signal, 'SIGKILL');
    return { c, killedAt: Date.now() };
  }

  it('is stopped when the editor restarts and marks the session interrupted, and the status says so', async function () {
    if (!canFindStrays) this.skip();
    const { c, killedAt } = await killedMidCheck();
    const marked = await runChild(c, 'mark', 'approve', CHECK).exited;
    assert.equal(marked.code, 0, marked.stderr);
    assert.ok(Date.now() - killedAt < 5_000, 'marked before the check would have written late (the test proves nothing otherwise)');
    const status = (await journalOf(c)).filter((e) => e.type === 'status').at(-1)?.data as { status: string; reason: string };
    assert.equal(status.status, 'interrupted');
    assert.match(status.reason, /^the editor stopped while the session was running; its check command was still running, and Savepoint stopped it \(\d+ process(es)?: [^)]*sleep[^)]*\)$/);
    await sleep(Math.max(0, killedAt + 8_000 - Date.now()));
    assert.equal(await exists(join(c.sig, 'late')), false, 'the check went on unsupervised after the restart');
  });

  it('is stopped at a resume that was not preceded by a restart (the CLI), before the resumed run checks again', async function () {
    if (!canFindStrays) this.skip();
    const { c, killedAt } = await killedMidCheck();
    const resumed = await runChild(c, 'none', 'approve', CHECK).exited;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(Date.now() - killedAt < 5_000, 'the resume ended before the check would have written late (the test proves nothing otherwise)');
    assert.equal(await readFile(join(c.ws, 'a.txt'), 'utf8'), 'one\n');
    await sleep(Math.max(0, killedAt + 8_000 - Date.now()));
    assert.equal(await exists(join(c.sig, 'late')), false, 'the check cut off by the crash ran on beside the resumed session');
  });
});
