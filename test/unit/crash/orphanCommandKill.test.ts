import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApprovalRequestedData } from '../../../src/core/runner/runEvents';
import { canFindStrays } from '../../../src/core/node/strayProcesses';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { JournalEvent, SessionId } from '../../../src/core/store/types';
import { finalText, toolUse } from '../runner/runnerHarness';
import { killWithCommands } from '../../fixtures/killWithCommands';
import { type CrashDir, SID, crashDir, journalOf, runChild, removeAfterEach } from './crashChild';

const exists = (p: string) => access(p).then(() => true, () => false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A command runs in a process group of its own, which stops with its runner (SIGKILL too), and so do
 * the processes it started outside the group (setsid, a daemon), killed by its death guard; but when
 * the guard is killed too (`kill -9` of everything), they run on and nothing supervises them any more.
 * The resume finds them still running: they are stopped before the user is asked whether to run the
 * command again, so they neither run beside its run again nor go on changing the workspace after the
 * step recorded what it had changed.
 */
describe('a command still running after its runner was SIGKILLed (real processes, real LevelDB)', function () {
  this.timeout(90_000);
  let d: CrashDir | undefined;
  removeAfterEach(() => d, () => (d = undefined));

  /** The runner SIGKILLed, and its command's group with it (its death guard too), while the command sleeps 6 s before writing late.txt; when. */
  async function killedMidCommand(): Promise<{ c: CrashDir; killedAt: number }> {
    const c = await crashDir(
      [toolUse('c1', 'run_command', { command: 'setsid sh -c "touch ../sig/ran && sleep 6 && echo late > late.txt" & wait' }), finalText('done', { toolResultFor: 'c1' })],
      {},
    );
    d = c;
    const first = runChild(c, 'none');
    for (let i = 0; i < 400 && !(await exists(join(c.sig, 'ran'))); i++) await sleep(25);
    assert.ok(await exists(join(c.sig, 'ran')), 'the command ran');
    killWithCommands(first.child.pid as number);
    assert.equal((await first.exited).signal, 'SIGKILL');
    return { c, killedAt: Date.now() };
  }

  it('is stopped when the editor restarts and marks the session interrupted, and the status says so', async function () {
    if (!canFindStrays) this.skip();
    const { c, killedAt } = await killedMidCommand();
    const child = runChild(c, 'mark');
    const marked = await child.exited;
    assert.equal(marked.code, 0, marked.stderr);
    assert.ok(child.lines.includes('marked true'), child.lines.join('\n'));
    assert.ok(Date.now() - killedAt < 5_000, 'marked before the command would have written late.txt (the test proves nothing otherwise)');
    const status = (await journalOf(c)).filter((e) => e.type === 'status').at(-1)?.data as { status: string; reason: string };
    assert.equal(status.status, 'interrupted');
    assert.match(status.reason, /^the editor stopped while the session was running; its command was still running, and Savepoint stopped it \(\d+ process(es)?: [^)]*sleep[^)]*\)$/);
    await sleep(Math.max(0, killedAt + 8_000 - Date.now()));
    assert.equal(await exists(join(c.ws, 'late.txt')), false, 'the command went on unsupervised after the restart and wrote late.txt');
  });

  it('is stopped at the resume, and the question says so; it writes nothing after the step is recorded', async function () {
    if (!canFindStrays) this.skip();
    const { c: dir, killedAt } = await killedMidCommand();
    d = dir;

    const second = await runChild(d, 'none', 'reject').exited;
    assert.equal(second.code, 0, second.stderr);
    assert.ok(Date.now() - killedAt < 5_000, 'the resume ended before the command would have written late.txt (the test proves nothing otherwise)');
    const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
    const events: JournalEvent[] = [];
    for await (const e of store.readEvents(SID as SessionId)) events.push(e);
    await store.close();
    const asked = events.find((e) => e.type === 'approval_requested' && (e.data as ApprovalRequestedData).kind === 'command_rerun')?.data as ApprovalRequestedData;
    assert.match(asked.reasons[0] ?? '', /It was still running: Savepoint stopped it \(\d+ process(es)?: [^)]*sleep[^)]*\)/);

    await sleep(Math.max(0, killedAt + 8_000 - Date.now()));
    assert.equal(await exists(join(d.ws, 'late.txt')), false, 'the command cut off by the crash went on and wrote late.txt after its step was recorded');
  });
});
