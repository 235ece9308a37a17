import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { CLI } from './cliChild';

const run = promisify(execFile);

/** A CLI run in its own process, with its own store and scripted model: what it printed so far, and its exit. */
interface Running {
  child: ChildProcess;
  printed: () => string;
  exited: Promise<number | null>;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await ok()) return;
  assert.fail(`timed out waiting for ${what}`);
}

const exists = (p: string) => readFile(p, 'utf8').then(() => true, () => false);

/**
 * Two processes on one folder with different stores (the editor and the CLI, or two CLI runs with
 * --store): each had its own queue, so their commands ran at once in one tree (two `npm install`
 * side by side, each capture taking the other's files). The turn is now the folder's, across
 * processes, and a process that dies holding it lets it go.
 */
describe('commands of two processes in one folder take turns (real CLI processes)', function () {
  this.timeout(120_000);
  let root: string;
  const servers: ScriptedModelServer[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    // A's command, should it outlive A's process, ends once this file is there.
    await writeFile(join(root, 'ws', 'stop'), '').catch(() => undefined);
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const s of servers.splice(0)) await s.close();
    await new Promise((r) => setTimeout(r, 300));
    await rm(root, { recursive: true, force: true });
  });

  async function start(name: string, command: string): Promise<Running> {
    const server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: `${name}1`, name: 'run_command', input: { command } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    servers.push(server);
    const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data'), XDG_CACHE_HOME: join(root, 'cache') };
    const args = [CLI, 'run', '--approvals', 'yes', `task ${name}`, '--workspace', join(root, 'ws'), '--store', join(root, `store-${name}`), '--base-url', server.url];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let text = '';
    child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, printed: () => text, exited };
  }

  it("B's command starts only after A's ended, and B reads queued meanwhile: they ran at once", async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-turns-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    // A runs until the test lets it end (once B waits, or B's command ran beside it), then notes when it ended.
    const a = await start('a', 'touch a.started; while [ ! -f go ]; do sleep 0.05; done; date +%s%N > a.ended');
    await until("A's command to start", () => exists(join(ws, 'a.started')));
    const b = await start('b', 'date +%s%N > b.started');
    await until('B to wait, or its command to run', async () => /queued b1/.test(b.printed()) || (await exists(join(ws, 'b.started'))));
    // Every view of B's store says so meanwhile (here `list`, from a copy while B holds the store).
    const listed = await run(process.execPath, [CLI, 'list', '--workspace', ws, '--store', join(root, 'store-b')], { env: { ...process.env, XDG_DATA_HOME: join(root, 'data') } });
    await writeFile(join(ws, 'go'), '');
    assert.match(listed.stdout, /^\S+ {2}queued .*waits for another session's command to end$/m);
    assert.equal(await a.exited, 0, a.printed());
    assert.equal(await b.exited, 0, b.printed());
    assert.match(b.printed(), /queued b1: waits for another session's command or check to finish/);
    const aEnded = BigInt((await readFile(join(ws, 'a.ended'), 'utf8')).trim());
    const bStarted = BigInt((await readFile(join(ws, 'b.started'), 'utf8')).trim());
    assert.ok(bStarted >= aEnded, `B's command started at ${bStarted}, before A's ended at ${aEnded}`);
    assert.match(b.printed(), /turn b1: runs now/);
  });

  it('A is killed (SIGKILL) while its command holds the turn: B then gets it', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-turns-kill-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    const a = await start('a', 'touch a.started; while [ ! -f stop ]; do sleep 0.05; done');
    await until("A's command to start", () => exists(join(ws, 'a.started')));
    const pid = a.child.pid as number;
    // B's command says whether A's process is still there (a zombie not yet reaped is not).
    const b = await start('b', `s=$(ps -o stat= -p ${pid}); case "$s" in ""|Z*) echo dead;; *) echo alive;; esac > b.saw`);
    await until('B to wait, or its command to run', async () => /queued b1/.test(b.printed()) || (await exists(join(ws, 'b.saw'))));
    assert.equal(await exists(join(ws, 'b.saw')), false, `B's command ran while A's ran:\n${b.printed()}`);
    a.child.kill('SIGKILL');
    await a.exited;
    assert.equal(await b.exited, 0, b.printed());
    assert.equal((await readFile(join(ws, 'b.saw'), 'utf8')).trim(), 'dead');
    assert.match(b.printed(), /turn b1: runs now/);
  });
});
