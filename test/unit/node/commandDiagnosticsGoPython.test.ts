import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import type { Diagnostic } from '../../../src/core/ports/diagnostics';
import { compareFindings } from '../../../src/core/runner/stepDiagnostics';
import { scratch, writeTree } from '../tools/toolHarness';

/** A check command that prints `text` as the checker would and exits as it does when it finds something. */
async function checker(root: string, text: string, exitCode = 1): Promise<CommandDiagnostics> {
  await writeTree(root, { 'check-output.txt': text });
  return new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() });
}

const shown = (ds: Diagnostic[]) => ds.map((d) => `${d.path}:${d.line}:${d.column} ${d.severity} ${d.code ?? '-'} ${d.message}`);

describe('CommandDiagnostics: Go and Python checkers', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag-go-py');
  afterEach(() => tmp.cleanup());

  it('go build and go vet: `./file.go:line:col: message` lines are errors, the package headers are not findings', async () => {
    const root = await tmp.make();
    const build = ['# example.com/demo', './main.go:5:2: undefined: foo', './main.go:6:6: declared and not used: y', 'internal/x/x.go:3:8: "os" imported and not used', ''].join('\n');
    assert.deepEqual(shown(await (await checker(root, build)).collect()), [
      'main.go:5:2 error - undefined: foo',
      'main.go:6:6 error - declared and not used: y',
      'internal/x/x.go:3:8 error - "os" imported and not used',
    ]);
    const vet = ['# example.com/demo', '# [example.com/demo]', './main.go:7:2: fmt.Printf format %d has arg s of wrong type string', 'vet: ./util.go:3:2: undefined: bar', ''].join('\n');
    assert.deepEqual(shown(await (await checker(root, vet)).collect()), [
      'main.go:7:2 error - fmt.Printf format %d has arg s of wrong type string',
      'util.go:3:2 error - undefined: bar',
    ]);
  });

  it('go: an error moved down a line is the same finding, one fixed and one added in another file are counted apart', async () => {
    const root = await tmp.make();
    const before = await (await checker(root, './main.go:5:2: undefined: foo\n./a.go:1:1: undefined: bar\n')).collect();
    const after = await (await checker(root, './main.go:9:2: undefined: foo\n./b.go:2:2: undefined: baz\n')).collect();
    const { introduced, resolved } = compareFindings(before, after);
    assert.deepEqual(shown(introduced), ['b.go:2:2 error - undefined: baz']);
    assert.equal(resolved, 1);
  });

  it('mypy (no column): errors and warnings with their code, notes are not counted, the summary is not a finding', async () => {
    const root = await tmp.make();
    const out = [
      'src/app.py:3: error: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]',
      'src/app.py:7: note: Revealed type is "builtins.int"',
      'src/util.py:12: error: Name "undefined_name" is not defined  [name-defined]',
      'Found 2 errors in 2 files (checked 3 source files)',
      '',
    ].join('\n');
    const found = await (await checker(root, out)).collect();
    assert.deepEqual(shown(found), [
      'src/app.py:3:1 error assignment Incompatible types in assignment (expression has type "str", variable has type "int")',
      'src/app.py:7:1 info - Revealed type is "builtins.int"',
      'src/util.py:12:1 error name-defined Name "undefined_name" is not defined',
    ]);
  });

  it('flake8 and ruff (concise): the code leads the message; W codes are warnings, the rest errors', async () => {
    const root = await tmp.make();
    const out = ["app.py:1:1: F401 'os' imported but unused", 'app.py:3:80: E501 line too long (88 > 79 characters)', 'app.py:4:1: W391 blank line at end of file', 'lib.py:1:8: F401 [*] `sys` imported but unused', 'Found 1 error.', '[*] 1 fixable with the `--fix` option.', ''].join('\n');
    assert.deepEqual(shown(await (await checker(root, out)).collect()), [
      "app.py:1:1 error F401 'os' imported but unused",
      'app.py:3:80 error E501 line too long (88 > 79 characters)',
      'app.py:4:1 warning W391 blank line at end of file',
      'lib.py:1:8 error F401 `sys` imported but unused',
    ]);
  });

  it('pyright: every indented finding under its file is one, not the continuation of the one before', async () => {
    const root = await tmp.make();
    const out = [
      `${root}/src/app.py`,
      `  ${root}/src/app.py:3:5 - error: "foo" is not defined (reportUndefinedVariable)`,
      `  ${root}/src/app.py:9:12 - warning: Import "yaml" could not be resolved from source (reportMissingModuleSource)`,
      '2 errors, 1 warning, 0 informations ',
      '',
    ].join('\n');
    assert.deepEqual(shown(await (await checker(root, out)).collect()), [
      'src/app.py:3:5 error reportUndefinedVariable "foo" is not defined',
      'src/app.py:9:12 warning reportMissingModuleSource Import "yaml" could not be resolved from source',
    ]);
  });
});
