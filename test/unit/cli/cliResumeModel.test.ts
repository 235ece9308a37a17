import assert from 'node:assert/strict';
import { errorStep, textStep } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

describe('savepoint resume --model in a child process', function () {
  this.timeout(60_000);
  const scratch = cliScratch('savepoint-cli-');

  it('a session stopped by a mistyped model name goes on with the model the resume names', async () => {
    const made = await scratch([errorStep(404, { model: 'claude-sonet-4-6', times: 'always', message: 'model: claude-sonet-4-6' }), textStep('Done.', { model: 'claude-sonnet-4-6' })]);
    const server = made.server;
    const cli = (...args: string[]) =>
      made.cli(...args).catch((e: { code?: number; stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code }));
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
