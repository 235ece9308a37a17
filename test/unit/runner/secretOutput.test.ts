import assert from 'node:assert/strict';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { callText } from '../../../src/core/runner/callText';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { finalText, harnessPerTest, toolUse } from './runnerHarness';

const TOKEN = 'ghp_s3cr3tTokenValue0123456789abcdefABCD';
const PASSWORD = 'pg-Pa55word-xyz';
const ENV = { GITHUB_TOKEN: TOKEN, DATABASE_URL: `postgres://app:${PASSWORD}@db.local:5432/app`, SHORT_TOKEN: 'true' };

describe('secret values of the environment in command output', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('env, a printed URL password and a long output: the model and the store get markers, the command still had the values', async () => {
    const h = await harness([
      toolUse('c1', 'run_command', { command: 'env; echo "pw=$(echo "$DATABASE_URL" | sed "s/.*:\\(.*\\)@.*/\\1/")"; test -n "$GITHUB_TOKEN" && echo has-token' }),
      toolUse('c2', 'run_command', { command: 'printenv GITHUB_TOKEN; seq 1 300000; printenv GITHUB_TOKEN; exit 3' }, { toolResultFor: 'c1' }),
      finalText('done', { toolResultFor: 'c2' }),
    ]);
    const processes = new NodeProcessRunner({ ...process.env, ...ENV });
    const runner = h.runner(undefined, { toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: { collect: async () => [] } } });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');

    const results = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));
    const [first, second] = results;
    assert.ok(first?.content.includes('GITHUB_TOKEN=[secret GITHUB_TOKEN hidden]'), first?.content.slice(0, 400));
    assert.ok(first?.content.includes('pw=[secret DATABASE_URL hidden]'), 'the password printed alone');
    assert.ok(first?.content.includes('has-token'), 'the command had the token');
    assert.ok(first?.content.includes('SHORT_TOKEN=true'), 'a short value is left as it is');
    assert.ok(second?.outputBlob, 'the long output was cut and kept whole');
    assert.ok(second?.content.startsWith('[secret GITHUB_TOKEN hidden]\n1\n2\n'), second.content.slice(0, 200));
    assert.ok(second?.content.includes('300000\n[secret GITHUB_TOKEN hidden]\n[Exit code 3.]'), second.content.slice(-400));

    const sent = JSON.stringify(h.server.requests().map((r) => r.body));
    const stored = JSON.stringify(await h.events(id)) + (await callText(h.store, id, 'c1')) + (await callText(h.store, id, 'c2'));
    for (const secret of [TOKEN, PASSWORD]) {
      assert.ok(!sent.includes(secret), 'never sent to the model');
      assert.ok(!stored.includes(secret), 'never in the store (events, results, the whole output)');
    }
    assert.ok(sent.includes('[secret GITHUB_TOKEN hidden]'));
  });
});
