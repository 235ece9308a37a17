import assert from 'node:assert/strict';
import { CommandDiagnostics, parseDiagnosticLine } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import type { Diagnostic } from '../../../src/core/ports/diagnostics';
import { compareFindings } from '../../../src/core/runner/stepDiagnostics';
import { scratch, writeTree } from '../tools/toolHarness';

/** Runs a command that prints `text` byte for byte (line endings included) and exits 101 as cargo does on errors. */
async function cargo(root: string, text: string, exitCode = 101): Promise<CommandDiagnostics> {
  await writeTree(root, { 'check-output.txt': text });
  return new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() });
}

const shown = (ds: Diagnostic[]) => ds.map((d) => `${d.path}:${d.line}:${d.column} ${d.severity} ${d.code ?? '-'} ${d.message}`);

// `cargo check` (human format): two errors, one with a help sub-diagnostic and a note child that has
// its own location, a warning with `= note:`, and the summary lines, none of which has a location.
const human = (mainLine: number) =>
  [
    'warning: unused manifest key: package.colour',
    '    Checking demo v0.1.0 (/tmp/demo)',
    'warning: unused variable: `y`',
    ' --> src/lib.rs:4:9',
    '  |',
    '4 |     let y = 1;',
    '  |         ^ help: if this is intentional, prefix it with an underscore: `_y`',
    '  |',
    '  = note: `#[warn(unused_variables)]` on by default',
    '',
    'warning: unused import: `std::fmt`',
    ' --> /elsewhere/dep/src/lib.rs:1:5',
    '  |',
    '1 | use std::fmt;',
    '  |     ^^^^^^^^',
    '',
    'warning: `demo` (lib) generated 1 warning',
    'error[E0425]: cannot find value `x` in this scope',
    ` --> src/main.rs:${mainLine}:13`,
    '  |',
    `${mainLine} |     let y = x;`,
    '  |             ^ not found in this scope',
    '',
    'error[E0308]: mismatched types',
    `  --> src/main.rs:${mainLine + 10}:18`,
    '   |',
    `${mainLine + 10} |     let n: u32 = label();`,
    '   |            ---   ^^^^^^^ expected `u32`, found `String`',
    '   |            |',
    '   |            expected due to this',
    '   |',
    'note: function defined here',
    '  --> src/util.rs:3:8',
    '   |',
    '3  | pub fn label() -> String {',
    '   |        ^^^^^',
    'help: try converting the returned value into a `u32`',
    '   |',
    `${mainLine + 10} |     let n: u32 = label().parse().unwrap();`,
    '   |                         ++++++++++++++++',
    '',
    'Some errors have detailed explanations: E0308, E0425.',
    'For more information about an error, try `rustc --explain E0308`.',
    'error: could not compile `demo` (bin "demo") due to 2 previous errors',
    '',
  ].join('\n');

// `cargo check --message-format short`.
const short = (mainLine: number) =>
  [
    'src/lib.rs:4:9: warning: unused variable: `y`',
    'warning: `demo` (lib) generated 1 warning',
    `src/main.rs:${mainLine}:13: error[E0425]: cannot find value \`x\` in this scope`,
    `src/main.rs:${mainLine + 10}:18: error[E0308]: mismatched types: expected \`u32\`, found \`String\``,
    'error: aborting due to 2 previous errors; 1 warning emitted',
    'error: could not compile `demo` (bin "demo") due to 2 previous errors; 1 warning emitted',
    '',
  ].join('\n');

const esc = (code: string, text: string) => `\u001b[${code}m${text}\u001b[0m`;
const red = (text: string) => esc('1', esc('38;5;9', text));
const yellow = (text: string) => esc('1', esc('38;5;11', text));
const blue = (text: string) => esc('1', esc('38;5;12', text));

describe('CommandDiagnostics: rustc and cargo output', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag-rustc');
  afterEach(() => tmp.cleanup());

  it('parses the short format, keeping the error code, and not the summary lines', () => {
    assert.deepEqual(parseDiagnosticLine('src/main.rs:2:13: error[E0425]: cannot find value `x` in this scope'), {
      file: 'src/main.rs',
      line: 2,
      column: 13,
      severity: 'error',
      message: 'cannot find value `x` in this scope',
      source: 'rustc',
      code: 'E0425',
    });
    assert.deepEqual(parseDiagnosticLine('src/lib.rs:4:9: warning: unused variable: `y`'), {
      file: 'src/lib.rs',
      line: 4,
      column: 9,
      severity: 'warning',
      message: 'unused variable: `y`',
    });
    for (const noise of ['error[E0425]: cannot find value `x` in this scope', ' --> src/main.rs:2:13', 'error: could not compile `demo` (bin "demo") due to 1 previous error']) {
      assert.equal(parseDiagnosticLine(noise), undefined, noise);
    }
  });

  it('reads several errors and warnings from the short format', async () => {
    const root = await tmp.make();
    assert.deepEqual(shown(await (await cargo(root, short(2))).collect()), [
      'src/lib.rs:4:9 warning - unused variable: `y`',
      'src/main.rs:2:13 error E0425 cannot find value `x` in this scope',
      'src/main.rs:12:18 error E0308 mismatched types: expected `u32`, found `String`',
    ]);
  });

  it('reads the human format: the header gives the message and code, the --> line the place; notes, help and summaries add nothing', async () => {
    const root = await tmp.make();
    const diags = await cargo(root, human(2));
    const found = await diags.collect();
    assert.deepEqual(shown(found), [
      'src/lib.rs:4:9 warning - unused variable: `y`',
      'src/main.rs:2:13 error E0425 cannot find value `x` in this scope',
      'src/main.rs:12:18 error E0308 mismatched types',
    ]);
    assert.deepEqual(found.map((d) => d.source), [undefined, 'rustc', 'rustc']);
    assert.deepEqual((await diags.collect(['./src/lib.rs'])).map((d) => d.path), ['src/lib.rs']);
  });

  it('takes no finding from a header without a --> location, so such a failure is an error', async () => {
    const root = await tmp.make();
    const linker = ['error: linker `cc` not found', '  |', '  = note: No such file or directory (os error 2)', '', 'error: could not compile `demo` (bin "demo") due to 1 previous error', ''];
    const diags = await cargo(root, [...linker.slice(0, 4), 'error[E0425]: cannot find value `x` in this scope', ' --> src/main.rs:2:13', ...linker.slice(4)].join('\n'));
    assert.deepEqual(shown(await diags.collect()), ['src/main.rs:2:13 error E0425 cannot find value `x` in this scope']);
    await assert.rejects((await cargo(root, linker.join('\n'))).collect(), /failed \(exit 101\) without reporting any finding/);
  });

  it('strips the colours of `--color always` and reads CRLF line endings, in both formats', async () => {
    const root = await tmp.make();
    const humanColoured = [
      `${yellow('warning')}${esc('1', ': unused variable: `y`')}`,
      ` ${blue('-->')} src/lib.rs:4:9`,
      `  ${blue('|')}`,
      `${blue('4')} ${blue('|')}     let y = 1;`,
      `  ${blue('|')}         ${yellow('^')} ${yellow('help: if this is intentional, prefix it with an underscore: `_y`')}`,
      `  ${blue('=')} ${esc('1', 'note')}: \`#[warn(unused_variables)]\` on by default`,
      '',
      `${red('error[E0425]')}${esc('1', ': cannot find value `x` in this scope')}`,
      ` ${blue('-->')} src/main.rs:2:13`,
      `  ${blue('|')}`,
      `${blue('2')} ${blue('|')}     let y = x;`,
      `  ${blue('|')}             ${red('^ not found in this scope')}`,
      '',
      `${red('error')}${esc('1', ': could not compile `demo` (bin "demo") due to 1 previous error')}`,
      '',
    ];
    const shortColoured = [
      `src/lib.rs:4:9: ${yellow('warning')}: unused variable: \`y\``,
      `src/main.rs:2:13: ${red('error[E0425]')}: cannot find value \`x\` in this scope`,
      `${red('error')}${esc('1', ': could not compile `demo` (bin "demo") due to 1 previous error')}`,
      '',
    ];
    for (const [name, lines] of [['human', humanColoured], ['short', shortColoured]] as const) {
      assert.deepEqual(
        shown(await (await cargo(root, lines.join('\r\n'))).collect()),
        ['src/lib.rs:4:9 warning - unused variable: `y`', 'src/main.rs:2:13 error E0425 cannot find value `x` in this scope'],
        name,
      );
    }
  });

  it('sees the same rustc error one line lower as the same finding, in both formats', async () => {
    for (const [name, output] of [['human', human], ['short', short]] as const) {
      const root = await tmp.make();
      const before = await (await cargo(root, output(2))).collect();
      const after = await (await cargo(root, output(3))).collect();
      assert.deepEqual(
        after.map((d) => `${d.path}:${d.line} ${d.code ?? '-'}`),
        ['src/lib.rs:4 -', 'src/main.rs:3 E0425', 'src/main.rs:13 E0308'],
        name,
      );
      const { introduced, resolved } = compareFindings(before, after);
      assert.deepEqual({ introduced: introduced.length, resolved }, { introduced: 0, resolved: 0 }, name);
    }
  });
});
