import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { timelineLine } from '../../../src/core/runner/timeline';
import { diagnosticsOf } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import { diagnosticsLook } from '../../../src/shared/timeline';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

/** A checker that finds an error in the gcc format and also prints two lines of no known format, then fails. */
const CHECKER = `
console.log('src/old.ts:1:1: error: broken before');
console.log('codegen: schema/user.graphql could not be read (permission denied)');
console.log('');
console.log('ld: symbol(s) not found for architecture x86_64');
process.exit(2);
`;

const UNREAD = ['codegen: schema/user.graphql could not be read (permission denied)', 'ld: symbol(s) not found for architecture x86_64'];

describe('a step whose check output was partly not understood', function () {
  if (process.platform === 'win32') return;
  this.timeout(30_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('records those lines with the diagnostics; show, the sidebar and the model all say so', async () => {
    h = await harness(
      [toolUse('w1', 'write_file', { path: 'src/a.ts', content: 'export const a = 1;\n' }), finalText('done', { toolResultFor: 'w1', lastUserContains: '2 lines of the check output not understood' })],
      { 'src/old.ts': 'x\n', 'check.cjs': CHECKER },
    );
    const processes = new NodeProcessRunner();
    const diagnostics = new CommandDiagnostics({ command: 'node check.cjs', root: h.workspace, runner: processes });
    const runner = h.runner(new ScriptedGate(), { diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics } });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const journal: JournalEvent[] = [];
    for await (const e of h.store.readEvents(id)) journal.push(e);
    const result = journal.find((e) => e.type === 'tool_result') as JournalEvent;
    const data = result.data as ToolResultData;
    assert.equal(data.diagnostics?.errors, 1, JSON.stringify(data.diagnostics));
    assert.deepEqual(data.diagnostics?.notUnderstood, { count: 2, lines: UNREAD });

    // savepoint show
    const line = timelineLine(result);
    assert.match(line, /2 lines of the check output not understood/);
    for (const l of UNREAD) assert.ok(line.includes(`\n        not understood: ${l}`), line);

    // the sidebar's timeline
    const delta = diagnosticsOf(data.diagnostics);
    assert.deepEqual(delta?.notUnderstood, { count: 2, lines: UNREAD });
  });

  it('the sidebar marks a step with no error but output not understood as a warning, not the green check', () => {
    const delta = diagnosticsOf({ errors: 0, warnings: 0, delta: { errors: 0, warnings: 0 }, introduced: [], introducedCount: 0, resolvedCount: 0, blob: 'b', notUnderstood: { count: 1, lines: ['??'] } });
    assert.ok(delta);
    assert.equal(diagnosticsLook(delta).icon, 'warning');
    assert.equal(diagnosticsOf({ errors: 0, warnings: 0 })?.notUnderstood, null, 'older journals: none');
  });
});
