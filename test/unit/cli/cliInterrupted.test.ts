import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { killWithCommands } from '../../fixtures/killWithCommands';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await ok()) return;
  assert.fail(`timed out waiting for ${what}`);
}

describe('the savepoint CLI after a CLI run was killed (real processes)', function () {
  this.timeout(90_000);
  let root: string;
  let server: ScriptedModelServer;
  let child: ChildProcess | undefined;
  let orphan: number | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    if (orphan !== undefined && alive(orphan)) process.kill(orphan, 'SIGKILL');
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('the session is marked interrupted, its command stopped, and a rewind works: it stayed "running" for good, and rewind --yes said "pause it" (no CLI command does)', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-killed-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      // Its command's group stops with the CLI, and so does a process it started outside the group (setsid), unless the command's
      // death guard is killed too (kill -9 of everything): then that process outlives the CLI, found by its mark at the next open.
      { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: "setsid sh -c 'echo $$ > pid.txt; exec sleep 60' & sleep 60; echo late > late.txt" } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') };
    const common = ['--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url];
    const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, ...common], { env });
    child = spawn(process.execPath, [CLI, 'run', '--approvals', 'yes', 'make a 2, then wait', ...common], { env, stdio: 'ignore' });
    await until('the command to start', async () => (await readFile(join(ws, 'pid.txt'), 'utf8').catch(() => '')).trim() !== '');
    orphan = Number((await readFile(join(ws, 'pid.txt'), 'utf8')).trim());
    const exited = new Promise((r) => child?.once('exit', r));
    killWithCommands(child.pid as number);
    await exited;
    child = undefined;
    assert.equal(alive(orphan), true, 'the command outlived the CLI');

    // The first command to open the store after the kill (here a list) marks the session.
    const listed = await cli('list');
    assert.match(listed.stdout, /^\S+ {2}interrupted /, 'no longer said to be running');
    const id = listed.stdout.slice(0, 26);
    assert.ok(listed.stderr.endsWith(`\nsession ${id} was left running by a process that stopped (killed or crashed): marked interrupted; nothing is lost, continue it with \`savepoint resume ${id}\`\n`), listed.stderr);
    const rewound = await cli('rewind', id, '0', '--yes');
    assert.match(rewound.stdout, /^restore a\.ts\n[\s\S]*rewound 1 file/, rewound.stderr);
    assert.equal(await readFile(join(ws, 'a.ts'), 'utf8'), 'export const a = 1;\n');
    assert.match((await cli('show', id)).stdout, /status → interrupted \(its process \(a CLI run or the editor\) was killed or crashed; its command was still running/);
    await until('the command to be stopped', async () => !alive(orphan as number));
  });

  it('SIGTERM (a timeout, a CI job cancelled) pauses the run under its own name: the session said "interrupted by the user (Ctrl+C)"', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-term-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    server = await ScriptedModelServer.start([
      { type: 'message', delayMs: 30_000, content: [{ type: 'text', text: 'late' }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') };
    const common = ['--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url];
    const term = spawn(process.execPath, [CLI, 'run', 'wait', ...common], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = term;
    let stdout = '';
    term.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    await until('the model request', async () => server.requests().length > 0);
    const exited = new Promise<number | null>((r) => term.once('exit', r));
    term.kill('SIGTERM');
    assert.equal(await exited, 4, 'paused');
    child = undefined;
    const outcome = JSON.parse(stdout.trim()) as { sessionId: string; status: string; reason: string };
    assert.deepEqual([outcome.status, outcome.reason], ['paused', 'stopped by SIGTERM; resume with `savepoint resume`']);
    assert.match((await run(process.execPath, [CLI, 'resume', outcome.sessionId, ...common], { env })).stdout, /"status":"completed"/, 'the next resume works');
  });
});
