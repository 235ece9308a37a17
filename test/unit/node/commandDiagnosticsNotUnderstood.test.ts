import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { scratch, writeTree } from '../tools/toolHarness';

/** A check command that prints `text` byte for byte and exits with `exitCode`. */
async function checker(root: string, text: string, exitCode: number): Promise<CommandDiagnostics> {
  await writeTree(root, { 'check-output.txt': text });
  return new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() });
}

describe('CommandDiagnostics: the part of a failing output that was not understood', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag-not-understood');
  afterEach(() => tmp.cleanup());

  it('exit non-zero, findings among lines of no known format: the findings, and those lines counted with the first of them', async () => {
    const out = [
      "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      'codegen: schema/user.graphql could not be read (permission denied)',
      "src/b.ts(1,1): error TS2304: Cannot find name 'x'.",
      '',
      'ld: symbol(s) not found for architecture x86_64',
      'Found 2 errors in 2 files.',
      '',
    ].join('\n');
    const d = await checker(await tmp.make(), out, 2);
    const got = await d.collectReport();
    assert.deepEqual(got.findings.map((f) => `${f.path}:${f.line} ${f.code}`), ['src/a.ts:3 TS2322', 'src/b.ts:1 TS2304']);
    assert.deepEqual(got.notUnderstood, { count: 2, lines: ['codegen: schema/user.graphql could not be read (permission denied)', 'ld: symbol(s) not found for architecture x86_64'] });
    // The port's plain list is the same findings.
    assert.equal((await d.collect()).length, 2);
  });

  it('many such lines: all counted, the first five kept, each cut to a readable length', async () => {
    const odd = Array.from({ length: 12 }, (_, i) => `[gen] step ${i} ${'x'.repeat(i === 0 ? 400 : 3)}`);
    const d = await checker(await tmp.make(), ['src/a.c:3:5: error: expected \';\'', ...odd, ''].join('\n'), 1);
    const got = await d.collectReport();
    assert.equal(got.findings.length, 1);
    assert.equal(got.notUnderstood?.count, 12);
    assert.equal(got.notUnderstood?.lines.length, 5);
    assert.ok((got.notUnderstood?.lines[0]?.length ?? 0) <= 200, 'cut');
    assert.equal(got.notUnderstood?.lines[1], '[gen] step 1 xxx');
  });

  it('the known formats with their summaries, headers, frames and notes leave nothing not understood', async () => {
    const root = await tmp.make();
    const outputs = [
      // tsc, plain and pretty, and tsc --build's table
      ["src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.", '  The types of x are incompatible.', 'Found 1 error in src/a.ts:3', ''],
      ["src/a.ts:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.", '', "3 const x: number = 'a';", '        ~', '', '  src/b.ts:1:10', '    1 export function f(a: string) {}', '               ~~~~~~~~~', "    An argument for 'a' was not provided.", '', '', 'Found 1 error in src/a.ts:3', '', 'Errors  Files', '     1  src/a.ts:3', ''],
      // gcc and clang
      ["a.c: In function 'main':", "a.c:3:13: error: 'y' undeclared (first use in this function)", '    3 |     int x = y;', '      |             ^', 'a.c:3:13: note: each undeclared identifier is reported only once', 'compilation terminated.', '1 error generated.', "make: *** [Makefile:2: all] Error 1", ''],
      // ESLint stylish, and -f unix
      ['', `${root}/src/a.js`, "  1:7  error  'x' is assigned a value but never used  no-unused-vars", '', '\u2716 1 problem (1 error, 0 warnings)', '  1 error and 0 warnings potentially fixable with the `--fix` option.', ''],
      ['src/a.js:1:7: Missing semicolon. [Error/semi]', '', '1 problem', ''],
      // rustc/cargo human format
      ['    Checking demo v0.1.0 (/w/demo)', 'error[E0425]: cannot find value `x` in this scope', ' --> src/main.rs:2:13', '  |', '2 |     let y = x;', '  |             ^ not found in this scope', '', 'note: function defined here', '  --> src/util.rs:3:8', 'help: try converting', '', 'Some errors have detailed explanations: E0308, E0425.', 'For more information about an error, try `rustc --explain E0308`.', 'warning: `demo` (lib) generated 1 warning', 'error: could not compile `demo` (bin "demo") due to 1 previous error', ''],
      // go, mypy, pyright, ruff, flake8
      ['# example.com/demo', './main.go:5:2: undefined: foo', ''],
      ['src/app.py:3: error: Incompatible types in assignment  [assignment]', 'Found 1 error in 1 file (checked 3 source files)', ''],
      [`${root}/src/app.py`, `  ${root}/src/app.py:3:5 - error: "foo" is not defined (reportUndefinedVariable)`, '1 error, 0 warnings, 0 informations ', ''],
      ['app.py:1:8: F401 [*] `os` imported but unused', 'Found 1 error.', '[*] 1 fixable with the `--fix` option.', ''],
      // npm and pnpm around a failing script
      ['', '> app@1.0.0 check', '> tsc --noEmit', '', "src/a.ts(1,1): error TS2304: Cannot find name 'x'.", 'npm ERR! code ELIFECYCLE', 'npm ERR! errno 2', ' ELIFECYCLE  Command failed with exit code 2.', ''],
    ];
    for (const lines of outputs) {
      const got = await (await checker(root, lines.join('\n'), 1)).collectReport();
      assert.ok(got.findings.length > 0, lines[0]);
      assert.equal(got.notUnderstood, undefined, `${JSON.stringify(got.notUnderstood)} in\n${lines.join('\n')}`);
    }
  });

  it('exit 0: chatter around the findings is not counted, a line that reads like a finding is', async () => {
    const root = await tmp.make();
    const chatter = await (await checker(root, "building...\nsrc/a.c:3:5: warning: unused variable 'x'\n1 warning generated.\n", 0)).collectReport();
    assert.equal(chatter.findings.length, 1);
    assert.equal(chatter.notUnderstood, undefined);
    const odd = await (await checker(root, "src/a.c:3:5: warning: unused variable 'x'\nERROR in ./src/b.js 4:2 Module not found\n", 0)).collectReport();
    assert.deepEqual(odd.notUnderstood, { count: 1, lines: ['ERROR in ./src/b.js 4:2 Module not found'] });
  });
});
