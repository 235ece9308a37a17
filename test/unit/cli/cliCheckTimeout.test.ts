import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

describe('the CLI: the check command time limit', function () {
  this.timeout(60_000);
  let root: string;
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(root, { recursive: true, force: true });
  });

  const cliOn = (ws: string, url: string) => (...args: string[]) =>
    run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });

  it('--check-command-timeout sets the limit a step check runs under; a bad value is refused before anything runs', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-timeout-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.txt'), 'one\n');
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.txt', content: 'two\n' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    const cli = cliOn(ws, server.url);
    for (const bad of ['0', '-3', 'soon']) {
      await assert.rejects(cli('run', '--approvals', 'yes', '--check-command', 'true', `--check-command-timeout=${bad}`, 'edit a.txt'), (e: { code?: number; stderr?: string }) => e.code === 2 && /--check-command-timeout needs a positive number of seconds/.test(e.stderr ?? ''), bad);
    }
    const started = await cli('run', '--approvals', 'yes', '--check-command', 'sleep 20', '--check-command-timeout', '1', 'edit a.txt');
    const outcome = JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string; status: string };
    assert.equal(outcome.status, 'completed', started.stderr);
    const shown = (await cli('show', outcome.sessionId)).stdout;
    assert.match(shown, /did not finish within 1 s/);
  });
});
