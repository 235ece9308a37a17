import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

const command = (id: string, text: string): StepInput => ({ type: 'message', content: [{ type: 'tool_use', id, name: 'run_command', input: { command: text } }] });
const done = (after: string): StepInput => ({ type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: after } });

const DEPLOY = 'deploy-credential-0123456789';
const GITHUB = 'ghp_cliTokenValue0123456789abcdef';

describe('savepoint.secretEnvNames: the names whose values are masked in command output', function () {
  this.timeout(60_000);
  const make = cliScratch('savepoint-clisecret-');

  it("the workspace's settings add a name to the defaults; a pattern that is not one is named and not used; a file read holding a value is masked too", async () => {
    const read: StepInput = { type: 'message', content: [{ type: 'tool_use', id: 'r1', name: 'read_file', input: { path: 'deploy.conf' } }], expect: { toolResultFor: 'c1' } };
    const { ws, cli, server } = await make([command('c1', 'echo "d=$DEPLOY_CRED g=$GITHUB_TOKEN"'), read, done('r1')]);
    await writeFile(join(ws, 'deploy.conf'), `credential = ${DEPLOY}\n`);
    await mkdir(join(ws, '.vscode'), { recursive: true });
    await writeFile(join(ws, '.vscode', 'settings.json'), '{ "savepoint.secretEnvNames": ["DEPLOY_CRED", "my var!"] }');
    process.env.DEPLOY_CRED = DEPLOY;
    process.env.GITHUB_TOKEN = GITHUB;
    try {
      const r = await cli('run', '--approvals', 'yes', 'print them');
      assert.match(r.stderr, /savepoint\.secretEnvNames has "my var!", which is not a variable name pattern \(letters, digits, _, and \* or \? as wildcards\): it is not used/, r.stderr);
      const sent = JSON.stringify(server.requests().map((q) => q.body));
      assert.ok(sent.includes('d=[secret DEPLOY_CRED hidden] g=[secret GITHUB_TOKEN hidden]'), sent.slice(-600));
      assert.ok(sent.includes('credential = [secret DEPLOY_CRED hidden]'), sent.slice(-600));
      const id = (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
      const show = (await cli('show', id)).stdout + r.stderr;
      for (const secret of [DEPLOY, GITHUB]) {
        assert.ok(!sent.includes(secret) && !show.includes(secret), 'neither sent nor shown');
      }
    } finally {
      delete process.env.DEPLOY_CRED;
      delete process.env.GITHUB_TOKEN;
    }
  });
});
