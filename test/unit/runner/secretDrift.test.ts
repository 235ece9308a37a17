import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { RunnerDeps } from '../../../src/core/runner/runner';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from './runnerHarness';

const TOKEN = 'ghp_driftTokenValue0123456789abcdefQRS';

describe('a secret value the user put in a file while the session waited', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('the drift note on resume shows its marker, not the value', async () => {
    const h = await harness([toolUse('r1', 'read_file', { path: '.env' }), toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'r1' }), finalText('done', { toolResultFor: 'c1' })], { '.env': 'DEBUG=0\n' });
    const processes = new NodeProcessRunner({ ...process.env, GITHUB_TOKEN: TOKEN });
    const deps: Partial<RunnerDeps> = { toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: { collect: async () => [] }, secrets: processes.secretMask() } };
    const first = h.runner(new ScriptedGate((r) => (r.tool === 'run_command' ? 'park' : { decision: 'approve' })), deps);
    const id = await h.start(first);
    assert.equal((await first.run(id)).status, 'waiting');
    await writeFile(join(h.workspace, '.env'), `DEBUG=0\nGITHUB_TOKEN=${TOKEN}\n`);
    assert.equal((await h.runner(new ScriptedGate(), deps).run(id)).status, 'completed');
    const sent = JSON.stringify(h.server.requests().map((r) => r.body));
    assert.match(sent, /\+GITHUB_TOKEN=\[secret GITHUB_TOKEN hidden\]/, 'the drift note names the change');
    assert.ok(!sent.includes(TOKEN), 'the model never got the value');
  });
});
