import assert from 'node:assert/strict';
import path from 'node:path';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import type { Diagnostic } from '../../../src/core/ports/diagnostics';
import { compareFindings } from '../../../src/core/runner/stepDiagnostics';
import { scratch, writeTree } from '../tools/toolHarness';

/** A check command that prints `text` as the checker would and exits as it does. */
async function checker(root: string, text: string, exitCode: number): Promise<CommandDiagnostics> {
  await writeTree(root, { 'check-output.txt': text });
  return new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() });
}

const shown = (ds: Diagnostic[]) => ds.map((d) => `${d.path}:${d.line}:${d.column} ${d.severity} ${d.code ?? '-'} ${d.message}`);

/** ESLint's default (stylish) output: each file's absolute path, then its findings indented under it, columns padded. */
function stylish(root: string, files: Record<string, string[]>, summary: string[]): string {
  const blocks = Object.entries(files).map(([rel, rows]) => `${path.join(root, rel)}\n${rows.join('\n')}\n`);
  return `\n${blocks.join('\n')}\n${summary.join('\n')}\n`;
}

describe("CommandDiagnostics: ESLint's default (stylish) format", function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag-eslint');
  afterEach(() => tmp.cleanup());

  it('reads every finding under its file, with severity, rule and place; the summary lines are not findings', async () => {
    const root = await tmp.make();
    const out = stylish(
      root,
      {
        'src/a.js': ["   1:7   error    'x' is assigned a value but never used  no-unused-vars", '   2:1   warning  Unexpected console statement            no-console', '  12:10  error    Missing semicolon                       semi'],
        'src/b.ts': ['  3:10  error  Parsing error: Unexpected token )', '  4:1   error  Unsafe call of an `any` typed value  @typescript-eslint/no-unsafe-call'],
      },
      ['\u2716 5 problems (4 errors, 1 warning)', '  1 error and 0 warnings potentially fixable with the `--fix` option.', ''],
    );
    assert.deepEqual(shown(await (await checker(root, out, 1)).collect()), [
      "src/a.js:1:7 error no-unused-vars 'x' is assigned a value but never used",
      'src/a.js:2:1 warning no-console Unexpected console statement',
      'src/a.js:12:10 error semi Missing semicolon',
      'src/b.ts:3:10 error - Parsing error: Unexpected token )',
      'src/b.ts:4:1 error @typescript-eslint/no-unsafe-call Unsafe call of an `any` typed value',
    ]);
  });

  it('a run with warnings only (ESLint exits 0) reports them, not "no problems"', async () => {
    const root = await tmp.make();
    const out = stylish(root, { 'src/a.js': ['  2:1  warning  Unexpected console statement  no-console'] }, ['\u2716 1 problem (0 errors, 1 warning)', '']);
    assert.deepEqual(shown(await (await checker(root, out, 0)).collect()), ['src/a.js:2:1 warning no-console Unexpected console statement']);
  });

  it('colours are read through, files outside the workspace are dropped, and a finding one line lower is the same one', async () => {
    const root = await tmp.make();
    const colour = (s: string) => `\u001b[2m${s}\u001b[22m`;
    const before = [
      '',
      `\u001b[4m${path.join(root, 'src/a.js')}\u001b[24m`,
      `  ${colour('1:7')}  \u001b[31merror\u001b[39m  'x' is assigned a value but never used  ${colour('no-unused-vars')}`,
      '',
      `\u001b[4m/elsewhere/lib.js\u001b[24m`,
      `  ${colour('1:1')}  \u001b[31merror\u001b[39m  Missing semicolon  ${colour('semi')}`,
      '',
    ].join('\n');
    const first = await (await checker(root, before, 1)).collect();
    assert.deepEqual(shown(first), ["src/a.js:1:7 error no-unused-vars 'x' is assigned a value but never used"]);
    const after = await (await checker(root, stylish(root, { 'src/a.js': ["  2:7  error  'x' is assigned a value but never used  no-unused-vars"] }, []), 1)).collect();
    assert.deepEqual(compareFindings(first, after), { introduced: [], resolved: 0 });
  });
});
