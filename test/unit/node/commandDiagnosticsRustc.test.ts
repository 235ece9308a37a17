import assert from 'node:assert/strict';
import { CommandDiagnostics, parseDiagnosticLine } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import type { Diagnostic } from '../../../src/core/ports/diagnostics';
import { scratch, writeTree } from '../tools/toolHarness';

/** Runs a command that prints `text` byte for byte (line endings included) and exits 101 as cargo does on errors. */
async function cargo(root: string, text: string, exitCode = 101): Promise<CommandDiagnostics> {
  await writeTree(root, { 'check-output.txt': text });
  return new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() });
}

const shown = (ds: Diagnostic[]) => ds.map((d) => `${d.path}:${d.line}:${d.column} ${d.severity} ${d.code ?? '-'} ${d.message}`);

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
});
