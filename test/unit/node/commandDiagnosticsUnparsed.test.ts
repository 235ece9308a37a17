import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { scratch } from '../tools/toolHarness';

/** A check command that prints `check-output.txt` and exits with `exitCode`. */
async function printing(root: string, output: string, exitCode: number): Promise<CommandDiagnostics> {
  await writeFile(join(root, 'check-output.txt'), output);
  return new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() });
}

describe('CommandDiagnostics: output it does not understand', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag-unparsed');
  afterEach(() => tmp.cleanup());

  const UNKNOWN = ['[checker] module core: 2 problems', '  E: core/x.kt line 4 - unresolved reference foo', '  E: core/y.kt line 9 - type mismatch', ...Array.from({ length: 20 }, (_, i) => `  detail ${i}`)].join('\n');

  it('exit 0 with output of no known format is "not understood", with its first lines, never "no problems"', async () => {
    const d = await printing(await tmp.make(), UNKNOWN, 0);
    await assert.rejects(d.collect(), (e: Error) => {
      assert.match(e.message, /^The check command `cat check-output\.txt; exit 0` exited 0, but its output was not understood \(no finding in a known format\):\n\[checker\] module core: 2 problems\n {2}E: core\/x\.kt line 4/);
      assert.ok(!e.message.includes('detail 19'), 'the first lines only');
      return true;
    });
  });

  it('exit non-zero with output of no known format stays an error naming the exit code', async () => {
    const d = await printing(await tmp.make(), UNKNOWN, 1);
    await assert.rejects(d.collect(), /failed \(exit 1\) without reporting any finding/);
  });

  it('the usual clean outputs still read as no findings: npm script headers, mypy, ruff, cargo, tsc --build', async () => {
    for (const clean of [
      '\n> app@1.0.0 typecheck\n> tsc --noEmit\n\n',
      'Success: no issues found in 12 source files\n',
      'All checks passed!\n',
      '    Checking app v0.1.0 (/w/app)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.52s\n',
      '0 errors, 0 warnings, 0 informations \n',
      'Found 0 errors. Watching for file changes.\n',
      '',
    ]) {
      const d = await printing(await tmp.make(), clean, 0);
      assert.deepEqual(await d.collect(), [], JSON.stringify(clean));
    }
  });

  it('exit 0 with findings in a known format among other lines gives the findings', async () => {
    const d = await printing(await tmp.make(), 'building...\nsrc/a.c:3:5: warning: unused variable \'x\'\n1 warning generated.\n', 0);
    const found = await d.collect();
    assert.equal(found.length, 1);
    assert.equal(found[0]?.severity, 'warning');
  });
});
