import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { scratch } from '../tools/toolHarness';

const out = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** Whether a process with this pid is still running (a zombie nobody reaped yet counts as dead). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

describe('NodeProcessRunner (real child processes)', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('proc');
  const runner = new NodeProcessRunner();
  let cwd: string;

  beforeEach(async () => {
    cwd = await realpath(await tmp.make({ 'hello.txt': 'hi from file\n' }));
  });
  afterEach(() => tmp.cleanup());

  it('runs through the shell in cwd, with env, and reports the exit code', async () => {
    const r = await runner.run('cat hello.txt; echo "$GREETING"; pwd; exit 3', { cwd, timeoutMs: 10_000, env: { GREETING: 'bonjour' } });
    assert.equal(r.exitCode, 3);
    assert.equal(r.signal, null);
    assert.equal(r.timedOut, false);
    assert.equal(r.aborted, false);
    assert.equal(out(r.output), `hi from file\nbonjour\n${cwd}\n`);
    assert.equal(r.outputBytes, r.output.length);
  });

  it('interleaves stdout and stderr in arrival order, and closes stdin', async () => {
    const r = await runner.run('echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; cat; echo after-cat', { cwd, timeoutMs: 10_000 });
    assert.equal(out(r.output), 'one\ntwo\nthree\nafter-cat\n');
    assert.equal(r.exitCode, 0);
  });

  it("the guard that stops a command with Savepoint changes nothing the command sees: stdin at its end, `wait`, its fds, line 1", async () => {
    const fds = process.platform === 'linux' ? 'ls /proc/$$/fd | sort -n | tr "\\n" " "; echo; ' : '';
    const r = await runner.run(`read x; echo "read $?"; sleep 0.2 & wait; echo waited; ${fds}no_such_command_here`, { cwd, timeoutMs: 60_000 });
    const lines = out(r.output).split('\n');
    assert.deepEqual(lines.slice(0, 2), ['read 1', 'waited']);
    if (fds) assert.match(lines[2] as string, /^0 1 2 (\d+ )*$/);
    assert.match(out(r.output), /sh: 1: no_such_command_here: not found|line 1: no_such_command_here/);
    assert.equal(r.timedOut, false);
  });

  it('keeps at most maxOutputBytes and counts the rest', async () => {
    const r = await runner.run('head -c 100000 /dev/zero | tr "\\0" x', { cwd, timeoutMs: 10_000, maxOutputBytes: 1000 });
    assert.equal(r.output.length, 1000);
    assert.equal(r.outputBytes, 100_000);
    assert.equal(out(r.output), 'x'.repeat(1000));
  });

  it('keeps the last keepTailBytes too when the output runs past maxOutputBytes', async () => {
    const r = await runner.run('head -c 100000 /dev/zero | tr "\\0" x; printf END', { cwd, timeoutMs: 10_000, maxOutputBytes: 1000, keepTailBytes: 10 });
    assert.equal(out(r.output), 'x'.repeat(1000));
    assert.equal(out(r.outputTail ?? new Uint8Array()), 'xxxxxxxEND');
    assert.equal(r.outputBytes, 100_003);
    const short = await runner.run('printf short', { cwd, timeoutMs: 10_000, maxOutputBytes: 1000, keepTailBytes: 10 });
    assert.equal(short.outputTail, undefined);
  });

  it('kills `sleep 30` on timeout, quickly', async () => {
    const r = await runner.run('sleep 30', { cwd, timeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
  });

  it('kills a grandchild that holds the pipes on timeout (sh -c "sleep 30 & wait")', async () => {
    const r = await runner.run(`sh -c 'sleep 30 & echo $! > grandchild.pid; wait'`, { cwd, timeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
    const pid = Number(readFileSync(`${cwd}/grandchild.pid`, 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(alive(pid), false, 'the grandchild sleep must be dead');
  });

  it('does not hang when the shell exits but leaves a background process holding the pipes', async () => {
    const r = await runner.run('sleep 30 & echo $! > bg.pid; echo started', { cwd, timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0);
    assert.equal(r.timedOut, false);
    assert.equal(out(r.output), 'started\n');
    assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(alive(Number(readFileSync(`${cwd}/bg.pid`, 'utf8'))), false, 'the background sleep went with the group');
  });

  it('resolves after a short grace when a process outside the group keeps the pipes open', async function () {
    if (!existsSync('/usr/bin/setsid') && !existsSync('/bin/setsid')) this.skip();
    const r = await runner.run('setsid sleep 3 & echo detached', { cwd, timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0);
    assert.equal(out(r.output), 'detached\n');
    assert.ok(r.durationMs < 2_500, `took ${r.durationMs} ms`);
  });

  describe('processes that leave the group (setsid, a daemon) do not outlive the command (Linux)', function () {
    before(function () {
      if (process.platform !== 'linux' || !(existsSync('/usr/bin/setsid') || existsSync('/bin/setsid'))) this.skip();
    });
    const pidIn = (name: string) => Number(readFileSync(`${cwd}/${name}`, 'utf8'));
    /** Shell that waits until process PID has left the shell's group (setsid done; else the group kill takes it, as the command's own). */
    const leftGroup = (pid: string) => `p=${pid}; while [ "$(cut -d' ' -f5 /proc/$p/stat)" = "$(cut -d' ' -f5 /proc/$$/stat)" ]; do sleep 0.05; done;`;

    it('kills a setsid child when the shell exits, and names it', async () => {
      const r = await runner.run(`setsid sleep 300 & echo $! > stray.pid; ${leftGroup('$!')} echo detached`, { cwd, timeoutMs: 60_000 });
      assert.equal(r.exitCode, 0);
      assert.equal(out(r.output), 'detached\n');
      assert.equal(alive(pidIn('stray.pid')), false, 'the setsid sleep is gone when the run resolves');
      assert.deepEqual(r.strays, ['sleep']);
    });

    it("kills a daemon's grandchild (a new session, then a background child in it), on timeout too", async () => {
      const r = await runner.run(`setsid sh -c 'sleep 300 & echo $! > deep.pid; wait' & while [ ! -s deep.pid ]; do sleep 0.05; done; echo ready; sleep 30`, { cwd, timeoutMs: 5_000 });
      assert.equal(r.timedOut, true);
      assert.equal(out(r.output), 'ready\n');
      assert.equal(alive(pidIn('deep.pid')), false);
      assert.deepEqual([...(r.strays ?? [])].sort(), ['sh', 'sleep']);
    });

    it("leaves alone the processes of another command still running, and those it did not start", async () => {
      const first = runner.run('setsid sleep 300 & echo $! > first.pid; sleep 2', { cwd, timeoutMs: 60_000 });
      while (!existsSync(`${cwd}/first.pid`) || readFileSync(`${cwd}/first.pid`, 'utf8').trim() === '') await new Promise((res) => setTimeout(res, 20));
      const other = await runner.run('echo quick', { cwd, timeoutMs: 60_000 });
      assert.equal(other.strays, undefined);
      assert.equal(alive(pidIn('first.pid')), true, "the other command's detached sleep runs on while that command runs");
      const r = await first;
      assert.deepEqual(r.strays, ['sleep']);
      assert.equal(alive(pidIn('first.pid')), false);
    });
  });

  it('kills the group on abort, and does not start when already aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await runner.run('echo before; sleep 30 & wait', { cwd, timeoutMs: 60_000, signal: ac.signal });
    assert.equal(r.aborted, true);
    assert.equal(r.timedOut, false);
    assert.equal(out(r.output), 'before\n');
    assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
    const again = await runner.run('echo never > never.txt', { cwd, timeoutMs: 10_000, signal: ac.signal });
    assert.equal(again.aborted, true);
    assert.equal(again.output.length, 0);
    await assert.rejects(realpath(`${cwd}/never.txt`));
  });

  it('rejects when the process cannot be started', async () => {
    await assert.rejects(runner.run('echo hi', { cwd: `${cwd}/missing-dir`, timeoutMs: 10_000 }));
  });
});
