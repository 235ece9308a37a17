import assert from 'node:assert/strict';
import path from 'node:path';
import { CommandDiagnostics, parseDiagnosticLine } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { compareFindings } from '../../../src/core/runner/stepDiagnostics';
import { scratch, writeTree } from '../tools/toolHarness';

/** A shell command that prints `lines` (through a file, to stay clear of quoting). */
async function printer(dir: string, lines: string[], exitCode = 0): Promise<string> {
  await writeTree(dir, { 'check-output.txt': `${lines.join('\n')}\n` });
  return `cat check-output.txt; exit ${exitCode}`;
}

describe('CommandDiagnostics', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag');
  afterEach(() => tmp.cleanup());

  it('parses tsc, tsc --pretty, gcc and eslint-unix lines, and nothing else', () => {
    assert.deepEqual(parseDiagnosticLine("src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."), {
      file: 'src/a.ts',
      line: 3,
      column: 7,
      severity: 'error',
      message: "Type 'string' is not assignable to type 'number'.",
      source: 'ts',
      code: 'TS2322',
    });
    assert.equal(parseDiagnosticLine('\u001b[96msrc/b.ts\u001b[0m:10:2 - \u001b[91merror\u001b[0m TS1005: ";" expected.')?.code, 'TS1005');
    assert.deepEqual(parseDiagnosticLine('main.c:12:5: warning: unused variable [-Wunused-variable]'), {
      file: 'main.c',
      line: 12,
      column: 5,
      severity: 'warning',
      message: 'unused variable [-Wunused-variable]',
    });
    assert.deepEqual(parseDiagnosticLine('/w/src/x.js:1:10: Missing semicolon. [Error/semi]'), {
      file: '/w/src/x.js',
      line: 1,
      column: 10,
      severity: 'error',
      message: 'Missing semicolon.',
      source: 'eslint',
      code: 'semi',
    });
    for (const noise of ['', 'Found 2 errors.', '12:30:45 building...', 'src/a.ts:3:7 something', '    at foo (x.js:1:2)']) {
      assert.equal(parseDiagnosticLine(noise), undefined, noise);
    }
  });

  it('runs a fake check command and makes paths workspace-relative, dropping outside ones', async () => {
    const root = await tmp.make({ 'src/a.ts': '' });
    const command = await printer(
      root,
      [
        'src/a.ts(3,7): error TS2322: Bad type.',
        "  Type 'A' is missing property 'b'.",
        `${path.join(root, 'src/b.ts')}(1,1): warning TS6133: 'x' is declared but never used.`,
        './lib/c.c:4:2: error: expected ;',
        '/elsewhere/d.ts(1,1): error TS1: outside',
        '../sibling/e.ts(1,1): error TS1: outside too',
        'Found 3 errors.',
      ],
      2,
    );
    const diags = new CommandDiagnostics({ command, root, runner: new NodeProcessRunner() });
    const all = await diags.collect();
    assert.deepEqual(
      all.map((d) => `${d.path}:${d.line}:${d.column} ${d.severity} ${d.message}`),
      ["src/a.ts:3:7 error Bad type.\nType 'A' is missing property 'b'.", "src/b.ts:1:1 warning 'x' is declared but never used.", 'lib/c.c:4:2 error expected ;'],
    );
    assert.deepEqual((await diags.collect(['src/b.ts'])).map((d) => d.path), ['src/b.ts']);
    assert.deepEqual((await diags.collect(['./src/'])).map((d) => d.path), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(await diags.collect(['nothing-here.ts']), []);
  });

  it('returns no findings for a clean run, and throws when the command fails without any', async () => {
    const root = await tmp.make();
    const clean = new CommandDiagnostics({ command: await printer(root, ['All good.']), root, runner: new NodeProcessRunner() });
    assert.deepEqual(await clean.collect(), []);
    const broken = new CommandDiagnostics({ command: 'echo "tsc: command not found" >&2; exit 127', root, runner: new NodeProcessRunner() });
    await assert.rejects(broken.collect(), /exit 127[\s\S]*command not found/);
    const slow = new CommandDiagnostics({ command: 'sleep 30', root, runner: new NodeProcessRunner(), timeoutMs: 200 });
    await assert.rejects(slow.collect(), /did not finish within 0\.2 s/);
  });

  it("leaves gcc's code frame out of the message, so the same error one line lower is not fixed and introduced", async () => {
    // gcc 12 (clang alike): the finding, then a frame that starts with the line number.
    const gcc = (line: number) =>
      [
        "a.c: In function 'main':",
        `a.c:${line}:11: error: 'y' undeclared (first use in this function)`,
        `    ${line} |   int x = y;`,
        '      |           ^',
        '      |           ;',
        "a.c:9:3: warning: implicit declaration of function 'f' [-Wimplicit-function-declaration]",
        '    9 |   f();',
        '      |   ^',
        '  +++ |+#include <stdio.h>',
      ].join('\n');
    const root = await tmp.make();
    const before = await new CommandDiagnostics({ command: await printer(root, [gcc(2)], 1), root, runner: new NodeProcessRunner() }).collect();
    const after = await new CommandDiagnostics({ command: await printer(root, [gcc(3)], 1), root, runner: new NodeProcessRunner() }).collect();
    assert.deepEqual(
      before.map((d) => d.message),
      ["'y' undeclared (first use in this function)", "implicit declaration of function 'f' [-Wimplicit-function-declaration]"],
    );
    const { introduced, resolved } = compareFindings(before, after);
    assert.deepEqual({ introduced: introduced.length, resolved }, { introduced: 0, resolved: 0 });
  });

  it("leaves an older clang's bare source line and caret out, and keeps tsc's elaborations", async () => {
    const root = await tmp.make();
    const command = await printer(
      root,
      [
        "a.c:2:11: error: use of undeclared identifier 'y'",
        '  int x = y;',
        '          ^',
        '          ;',
        "src/a.ts(3,7): error TS2322: Type '{ a: string; }' is not assignable to type 'B'.",
        "  Types of property 'a' are incompatible.",
        "    Type 'string' is not assignable to type 'number'.",
        'Found 2 errors.',
      ],
      2,
    );
    const found = await new CommandDiagnostics({ command, root, runner: new NodeProcessRunner() }).collect();
    assert.deepEqual(
      found.map((d) => d.message),
      [
        "use of undeclared identifier 'y'",
        "Type '{ a: string; }' is not assignable to type 'B'.\nTypes of property 'a' are incompatible.\nType 'string' is not assignable to type 'number'.",
      ],
    );
  });
});
