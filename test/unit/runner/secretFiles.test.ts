import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { finalText, harnessPerTest, toolUse } from './runnerHarness';

const TOKEN = 'ghp_fileTokenValue0123456789abcdefXYZ';
const MARKER = '[secret GITHUB_TOKEN hidden]';
const DOT_ENV = `GITHUB_TOKEN=${TOKEN}\nDEBUG=0\n`;

describe('a secret value of the environment in a file the agent reads', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('read_file and search_text show the marker; an edit or a write that would put the marker in the file is refused; the file keeps its secret', async () => {
    const h = await harness(
      [
        toolUse('r1', 'read_file', { path: '.env' }),
        toolUse('s1', 'search_text', { pattern: 'GITHUB_TOKEN' }, { toolResultFor: 'r1' }),
        toolUse('e1', 'edit_file', { path: '.env', old_text: `GITHUB_TOKEN=${MARKER}\nDEBUG=0`, new_text: `GITHUB_TOKEN=${MARKER}\nDEBUG=1` }, { toolResultFor: 's1' }),
        toolUse('w1', 'write_file', { path: '.env', content: `GITHUB_TOKEN=${MARKER}\nDEBUG=1\n` }, { toolResultFor: 'e1' }),
        toolUse('e2', 'edit_file', { path: '.env', old_text: 'DEBUG=0', new_text: 'DEBUG=1' }, { toolResultFor: 'w1' }),
        finalText('done', { toolResultFor: 'e2' }),
      ],
      { '.env': DOT_ENV },
    );
    const processes = new NodeProcessRunner({ ...process.env, GITHUB_TOKEN: TOKEN });
    const runner = h.runner(undefined, { toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics: { collect: async () => [] }, secrets: processes.secretMask() } });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');

    const results = new Map((await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [[(e.data as ToolResultData).callId, e.data as ToolResultData] as const] : [])));
    assert.ok(results.get('r1')?.content.includes(`GITHUB_TOKEN=${MARKER}`), results.get('r1')?.content);
    assert.ok(results.get('s1')?.content.includes(`GITHUB_TOKEN=${MARKER}`), results.get('s1')?.content);
    for (const refused of ['e1', 'w1']) {
      const r = results.get(refused);
      assert.equal(r?.isError, true, refused);
      assert.match(r?.content ?? '', /^\[secret GITHUB_TOKEN hidden\] stands for a secret value, shown to you masked: (\.env holds the value, not the marker, so old_text is not found in it|this change would write the marker into \.env in place of the value)\. Edit around it/, r?.content);
    }
    assert.equal(results.get('e2')?.isError, false, results.get('e2')?.content);
    assert.equal(await readFile(join(h.workspace, '.env'), 'utf8'), `GITHUB_TOKEN=${TOKEN}\nDEBUG=1\n`, 'the secret stays in the file, the other edit is made');
    const sent = JSON.stringify(h.server.requests().map((r) => r.body));
    assert.ok(!sent.includes(TOKEN), 'the model never got the value');
    assert.ok(!JSON.stringify([...results.values()]).includes(TOKEN), 'nor do the stored results hold it');
  });
});
