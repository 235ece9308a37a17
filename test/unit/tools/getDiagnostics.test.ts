import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { Diagnostics } from '../../../src/core/ports/diagnostics';
import { getDiagnosticsTool } from '../../../src/core/tools/getDiagnostics';
import { call, FakeDiagnostics, scratch, toolContext } from './toolHarness';

describe('get_diagnostics', () => {
  const tmp = scratch('getdiag');
  afterEach(() => tmp.cleanup());

  const found = new FakeDiagnostics([
    { path: 'src/b.ts', line: 9, column: 1, severity: 'warning', message: 'unused', source: 'ts', code: 'TS6133' },
    { path: 'src/a.ts', line: 3, column: 7, severity: 'error', message: 'bad type', source: 'ts', code: 'TS2322' },
    { path: 'lib/c.ts', line: 1, column: 1, severity: 'error', message: 'oops\nbecause of this' },
  ]);

  it('formats findings errors first, as path:line:col severity message', async () => {
    const ctx = toolContext(new NodeWorkspace(await tmp.make()), found);
    const r = await call(getDiagnosticsTool, {}, ctx);
    assert.equal(
      r.output?.content,
      ['lib/c.ts:1:1 error oops', '    because of this', 'src/a.ts:3:7 error bad type [ts TS2322]', 'src/b.ts:9:1 warning unused [ts TS6133]', '[3 findings (2 errors) in the workspace.]'].join('\n'),
    );
  });

  it('passes normalized, confined paths, and caps the list', async () => {
    const ctx = toolContext(new NodeWorkspace(await tmp.make({ 'src/a.ts': '', 'docs/': '' })), found);
    const r = await call(getDiagnosticsTool, { paths: ['./src/'], max_results: 1 }, ctx);
    assert.deepEqual(found.calls.at(-1), ['src']);
    assert.equal(r.output?.content, 'src/a.ts:3:7 error bad type [ts TS2322]\n[2 findings (1 error) in src; showing the first 1.]');
    assert.equal((await call(getDiagnosticsTool, { paths: ['../other'] }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.match((await call(getDiagnosticsTool, { paths: ['docs'] }, ctx)).output!.content, /No problems found in docs/);
  });

  it('turns a failing diagnostics source into a FAILED error result', async () => {
    const broken: Diagnostics = { collect: () => Promise.reject(new Error('tsc not installed')) };
    const ctx = toolContext(new NodeWorkspace(await tmp.make()), broken);
    const r = await call(getDiagnosticsTool, {}, ctx);
    assert.equal(r.error?.code, 'FAILED');
    assert.match(r.error!.message, /tsc not installed/);
  });

  it('works end to end with CommandDiagnostics running a fake tsc', async function () {
    if (process.platform === 'win32') this.skip();
    const root = await tmp.make({ 'src/a.ts': '' });
    const command = `printf '%s\\n' "src/a.ts(2,5): error TS2304: Cannot find name 'foo'." 'Found 1 error.'; exit 2`;
    const ctx = toolContext(new NodeWorkspace(root), new CommandDiagnostics({ command, root, runner: new NodeProcessRunner() }));
    const r = await call(getDiagnosticsTool, { paths: ['src/a.ts'] }, ctx);
    assert.equal(r.output?.content, "src/a.ts:2:5 error Cannot find name 'foo'. [ts TS2304]\n[1 finding (1 error) in src/a.ts.]");
  });

  it('lists the lines of the check output it could not read, after the findings and after "no problems"', async function () {
    if (process.platform === 'win32') this.skip();
    const root = await tmp.make({ 'src/a.ts': '', 'src/b.ts': '' });
    const lines = ["src/a.ts(2,5): error TS2304: Cannot find name 'foo'.", 'ld: undefined reference to `bar`', 'collect2: error: ld returned 1 exit status'];
    const command = `printf '%s\\n' ${lines.map((l) => `'${l.replace(/'/g, "'\\''")}'`).join(' ')}; exit 2`;
    const ctx = toolContext(new NodeWorkspace(root), new CommandDiagnostics({ command, root, runner: new NodeProcessRunner() }));
    const unread = ['[2 lines of the check output not understood: the list may be incomplete.]', '  not understood: ld: undefined reference to `bar`', '  not understood: collect2: error: ld returned 1 exit status'];
    const all = await call(getDiagnosticsTool, {}, ctx);
    assert.equal(all.output?.content, ["src/a.ts:2:5 error Cannot find name 'foo'. [ts TS2304]", '[1 finding (1 error) in the workspace.]', ...unread].join('\n'));
    // No finding in b.ts, but the unread lines may be about it: not a plain "no problems".
    const b = await call(getDiagnosticsTool, { paths: ['src/b.ts'] }, ctx);
    assert.equal(b.output?.content, ['No problems found in src/b.ts.', ...unread].join('\n'));
  });
});
