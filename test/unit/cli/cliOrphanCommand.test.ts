import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { CLI } from './cliChild';

/** Whether the process runs (a zombie, dead but not yet reaped by whoever adopted it, does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await ok()) return;
  assert.fail(`timed out waiting for ${what}`);
}

const pidIn = async (p: string): Promise<number | undefined> => {
  const n = Number((await readFile(p, 'utf8').catch(() => '')).trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/**
 * The Savepoint process that runs an agent's command is killed (SIGKILL of the CLI, the editor's
 * extension host dying): its command went on running, reparented, for good (a dev server, a test
 * run writing files), unseen and beside the next command another Savepoint process ran in the folder.
 */
describe('a command stops with the Savepoint process that ran it (real CLI process, SIGKILL)', function () {
  this.timeout(120_000);
  let root: string;
  let server: ScriptedModelServer | undefined;
  let child: ChildProcess | undefined;
  const left: number[] = [];
  const others: ChildProcess[] = [];
  const servers: ScriptedModelServer[] = [];
  afterEach(async () => {
    child?.kill('SIGKILL');
    for (const c of others.splice(0)) c.kill('SIGKILL');
    for (const s of servers.splice(0)) await s.close();
    for (const pid of left.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await server?.close();
    server = undefined;
    await rm(root, { recursive: true, force: true });
  });


  /** A CLI run on `ws` with a store of its own (`name`) whose model asks to run `command`; what it printed, and its exit. */
  async function cliRun(name: string, command: string): Promise<{ cli: ChildProcess; printed: () => string; exited: Promise<number | null> }> {
    const s = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: `${name}1`, name: 'run_command', input: { command } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    servers.push(s);
    const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data'), XDG_CACHE_HOME: join(root, 'cache') };
    const cli = spawn(process.execPath, [CLI, 'run', '--approvals', 'yes', `task ${name}`, '--workspace', join(root, 'ws'), '--store', join(root, `store-${name}`), '--base-url', s.url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    others.push(cli);
    let text = '';
    cli.stdout?.on('data', (d: Buffer) => (text += d.toString()));
    cli.stderr?.on('data', (d: Buffer) => (text += d.toString()));
    return { cli, printed: () => text, exited: new Promise((r) => cli.once('exit', (code) => r(code))) };
  }

  it("another process's command, waiting for the folder's turn, runs only once the killed CLI's command is gone: it ran beside it", async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-orphan-turn-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    const a = await cliRun('a', 'echo $$ > a.pid; while :; do date +%s%N > beat; sleep 0.1; done');
    await until("A's command to start", async () => (await pidIn(join(ws, 'a.pid'))) !== undefined);
    const shell = (await pidIn(join(ws, 'a.pid'))) as number;
    left.push(shell);
    // B's command says whether A's command still runs (a zombie not yet reaped does not).
    const b = await cliRun('b', `s=$(ps -o stat= -p ${shell}); case "$s" in ""|Z*) echo gone;; *) echo running;; esac > b.saw`);
    await until('B to wait for the turn', () => /queued b1/.test(b.printed()));
    a.cli.kill('SIGKILL');
    await a.exited;
    assert.equal(await b.exited, 0, b.printed());
    assert.equal((await readFile(join(ws, 'b.saw'), 'utf8')).trim(), 'gone', "B's command ran while A's still ran");
  });

  it("the command's shell and its background child are gone after the CLI is killed: they ran on, reparented", async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-orphan-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    // A loop that never ends by itself, with a child of its own (a dev server and its worker), writing into the folder.
    const command = '(while :; do sleep 0.2; done) & echo $! > child.pid; echo $$ > shell.pid; while :; do date +%s%N > beat; sleep 0.1; done';
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data'), XDG_CACHE_HOME: join(root, 'cache') };
    const cli = spawn(process.execPath, [CLI, 'run', '--approvals', 'yes', 'serve', '--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url], { env, stdio: 'ignore' });
    child = cli;
    await until('the command to start', async () => (await pidIn(join(ws, 'shell.pid'))) !== undefined && (await pidIn(join(ws, 'child.pid'))) !== undefined);
    const shell = (await pidIn(join(ws, 'shell.pid'))) as number;
    const worker = (await pidIn(join(ws, 'child.pid'))) as number;
    left.push(shell);
    assert.ok(running(shell) && running(worker), 'the command runs');
    const exited = new Promise((r) => cli.once('exit', r));
    cli.kill('SIGKILL');
    await exited;
    child = undefined;
    // Polled up to a generous limit: not a measure of speed, only whether they end at all.
    await until('the command to stop with the CLI', () => !running(shell) && !running(worker), 30_000);
  });

  it('a process the command started outside its group (setsid) is gone after the CLI is killed: it ran on until a Savepoint process opened the store again', async function () {
    if (process.platform !== 'linux') this.skip();
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-orphan-setsid-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    // The sleep's pid is written once it has left the command's group (setsid done; the group kill would take it otherwise).
    const leftGroup = 'while [ "$(ps -o pgid= -p $p)" = "$(ps -o pgid= -p $$)" ]; do sleep 0.05; done';
    // And one whose name reads, to a parse of /proc/PID/stat that splits at spaces, as in the command's group.
    const odd = 'x) S 1 $$ ';
    const a = await cliRun('s', `setsid sleep 300 & p=$!; ${leftGroup}; echo $p > stray.pid; cp "$(command -v sleep)" "./${odd}"; setsid "./${odd}" 300 & p=$!; ${leftGroup}; echo $p > odd.pid; while :; do sleep 0.1; done`);
    await until('the setsid sleeps to leave the group', async () => (await pidIn(join(ws, 'odd.pid'))) !== undefined);
    const strays = [(await pidIn(join(ws, 'stray.pid'))) as number, (await pidIn(join(ws, 'odd.pid'))) as number];
    left.push(...strays);
    assert.ok(strays.every(running), a.printed());
    a.cli.kill('SIGKILL');
    await a.exited;
    // Polled up to a generous limit: not a measure of speed, only whether they end at all.
    await until('the setsid sleeps to stop with the CLI', () => !strays.some(running), 30_000);
  });
});
