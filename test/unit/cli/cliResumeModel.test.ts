import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorStep, textStep } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

describe('savepoint resume --model in a child process', function () {
  this.timeout(60_000);
  let root: string;
  let server: ScriptedModelServer;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('a session stopped by a mistyped model name goes on with the model the resume names', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    server = await ScriptedModelServer.start([errorStep(404, { model: 'claude-sonet-4-6', times: 'always', message: 'model: claude-sonet-4-6' }), textStep('Done.', { model: 'claude-sonnet-4-6' })]);
    const cli = (...args: string[]) =>
      run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } }).catch(
        (e: { code?: number; stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code }),
      );
    const first = await cli('run', '--approvals', 'yes', '--model', 'claude-sonet-4-6', 'say done');
    const failed = JSON.parse(first.stdout.trim().split('\n').pop() as string) as { sessionId: string; status: string; reason: string };
    assert.equal(failed.status, 'failed', first.stderr);
    assert.match(failed.reason, /404: model: claude-sonet-4-6/);

    const again = await cli('resume', failed.sessionId, '--approvals', 'yes', '--model', 'claude-sonnet-4-6');
    const resumed = JSON.parse(again.stdout.trim().split('\n').pop() as string) as { status: string; reason?: string };
    assert.equal(resumed.status, 'completed', resumed.reason ?? again.stderr);
    assert.deepEqual(server.requests().map((q) => q.model), ['claude-sonet-4-6', 'claude-sonnet-4-6']);
    const shown = await cli('show', failed.sessionId);
    assert.match(shown.stdout, /models → claude-sonnet-4-6 \(were claude-sonet-4-6\)/);
  });
});
