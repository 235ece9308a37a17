import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import type { ProcessRunner, RunResult } from '../../../src/core/ports/processRunner';
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

  it('still takes the findings of a checker that exits 1 or 2 because it found errors', async () => {
    const root = await tmp.make();
    for (const exitCode of [1, 2]) {
      await writeTree(root, { 'check-output.txt': "src/a.ts(1,1): error TS2304: Cannot find name 'x'.\n" });
      const found = await new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() }).collect();
      assert.deepEqual(found.map((d) => `${d.path}:${d.line} ${d.code}`), ['src/a.ts:1 TS2304'], `exit ${exitCode}`);
    }
  });
});
