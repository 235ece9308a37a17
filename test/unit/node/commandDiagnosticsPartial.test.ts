import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ProcessRunner, RunResult } from '../../../src/core/ports/processRunner';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';
import { scratch, writeTree } from '../tools/toolHarness';

/** A runner that answers every command with the same result, without running anything. */
const canned = (result: Partial<RunResult>): ProcessRunner => ({
  run: async () => ({ exitCode: 0, signal: null, timedOut: false, aborted: false, output: new Uint8Array(), outputBytes: 0, durationMs: 1, ...result }),
});

describe('CommandDiagnostics: incomplete output', function () {
  if (process.platform === 'win32') return;
  this.timeout(60_000);
  const tmp = scratch('diag-partial');
  afterEach(() => tmp.cleanup());

  it('refuses the findings of a check command whose output passed the runner cap', async () => {
    const root = await tmp.make();
    const n = 400_000; // ~13 MB of tsc lines, each a distinct error: past the 10 MB the runner keeps
    const command = `seq 1 ${n} | sed 's|.*|src/a.ts(1,1): error TS2304: Cannot find name x&.|'; exit 2`;
    await assert.rejects(new CommandDiagnostics({ command, root, runner: new NodeProcessRunner() }).collect(), /printed \d+ bytes, more than the \d+ kept/);
    // The runner's own account decides, whatever the text looks like.
    const line = new TextEncoder().encode('src/a.ts(1,1): error TS2304: Cannot find name x.\n');
    const cut = new CommandDiagnostics({ command: 'tsc', root, runner: canned({ exitCode: 2, output: line, outputBytes: line.length + 1 }) });
    await assert.rejects(cut.collect(), /incomplete/);
    const whole = new CommandDiagnostics({ command: 'tsc', root, runner: canned({ exitCode: 2, output: line, outputBytes: line.length }) });
    assert.equal((await whole.collect()).length, 1);
  });

  it('refuses the findings of a check command killed by a signal, as the runner or the shell reports it', async () => {
    const root = await tmp.make();
    const tscLine = "echo 'src/a.ts(1,1): error TS2304: Cannot find name x.'";
    const killed = new CommandDiagnostics({ command: `${tscLine}; kill -9 $$`, root, runner: new NodeProcessRunner() });
    await assert.rejects(killed.collect(), /killed \(SIGKILL\)/);
    // The checker dies, not the shell: `sh -c` exits 128+9.
    const child = new CommandDiagnostics({ command: `${tscLine}; sh -c 'kill -9 $$'`, root, runner: new NodeProcessRunner() });
    await assert.rejects(child.collect(), /killed \(signal 9\)/);
  });

  it('still takes the findings of a checker that exits 1 or 2 because it found errors', async () => {
    const root = await tmp.make();
    for (const exitCode of [1, 2]) {
      await writeTree(root, { 'check-output.txt': "src/a.ts(1,1): error TS2304: Cannot find name 'x'.\n" });
      const found = await new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() }).collect();
      assert.deepEqual(found.map((d) => `${d.path}:${d.line} ${d.code}`), ['src/a.ts:1 TS2304'], `exit ${exitCode}`);
    }
  });
});

/**
 * A checker in a child process: `BROKEN(<why>)` in a .ts file is an error, printed in the gcc
 * format as it walks the files in name order; a file holding `CRASH` kills it mid-way (SIGKILL),
 * after the findings of the files before it.
 */
const CHECKER = `
const fs = require('fs');
let bad = 0;
for (const f of fs.readdirSync('.').filter((n) => n.endsWith('.ts')).sort()) {
  const text = fs.readFileSync(f, 'utf8');
  if (text.includes('CRASH')) process.kill(process.pid, 'SIGKILL');
  const m = /BROKEN\\((\\w+)\\)/.exec(text);
  if (m) { bad++; fs.writeSync(1, f + ':1:' + (m.index + 1) + ': error: broken ' + m[1] + '\\n'); }
}
process.exit(bad ? 2 : 0);
`;

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('a step whose checker was killed mid-way', function () {
  if (process.platform === 'win32') return;
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('records the diagnostics as unavailable, and the next step compares with the list before it', async () => {
    h = await harness(
      [
        toolUse('e1', 'write_file', { path: 'b.ts', content: 'CRASH\n' }),
        toolUse('e2', 'write_file', { path: 'b.ts', content: 'fine\n' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'e2' }),
      ],
      { 'a.ts': 'BROKEN(one)\n', 'c.ts': 'BROKEN(three)\n', 'check.cjs': CHECKER },
    );
    const processes = new NodeProcessRunner();
    const diagnostics = new CommandDiagnostics({ command: 'node check.cjs', root: h.workspace, runner: processes });
    const runner = h.runner(new ScriptedGate(), { diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics } });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const [e1, e2] = results(await h.events(id));
    // The checker printed a.ts's error and died before c.ts's: that is not "fixed 1".
    assert.match(e1?.diagnostics?.unavailable ?? '', /killed/, JSON.stringify(e1?.diagnostics));
    assert.doesNotMatch(e1?.content ?? '', /fixed/);
    assert.deepEqual(
      e2?.diagnostics && { errors: e2.diagnostics.errors, delta: e2.diagnostics.delta, introduced: e2.diagnostics.introducedCount, resolved: e2.diagnostics.resolvedCount },
      { errors: 2, delta: { errors: 0, warnings: 0 }, introduced: 0, resolved: 0 },
      'c.ts was broken before the session: the next step is not blamed for it',
    );
  });
});
