import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import type { Outline } from '../../../src/core/code/outlineTypes';
import { type Outliner, cappedLines, fromCapture, symbolLines } from '../../../src/core/runner/stepEffects';

const enc = new TextEncoder();
const file = (path: string, before: string | null, after: string | null) => ({ path, before: before === null ? null : enc.encode(before), after: after === null ? null : enc.encode(after) });
const fake = (o: Partial<Outline> | Error): Outliner => ({
  outline: () => {
    if (o instanceof Error) throw o;
    return { language: 'python', symbols: [], hasSyntaxErrors: false, ...o };
  },
});

describe('symbol lines of a step: what changed, and what could not be read', function () {
  let outliner: AstOutliner;
  before(async () => {
    outliner = await AstOutliner.create();
  });
  after(() => outliner.dispose());

  it('a file whose outline failed, was skipped, or threw is recorded as not read, and the others still get their lines', async () => {
    const ts = file('src/ok.ts', 'export function f() {\n  return 1;\n}\n', 'export function f() {\n  return 2;\n}\n');
    assert.deepEqual(await symbolLines(fake({ parseError: 'no tree' }), [file('a.py', 'x = 1\n', 'x = 2\n')]), ['symbols of a.py not read: parse failed (no tree)']);
    assert.deepEqual(await symbolLines(fake({ skipped: 'tooLarge' }), [file('big.py', 'x = 1\n', 'x = 2\n')]), ['symbols of big.py not read: too large to parse']);
    assert.deepEqual(await symbolLines(fake(new Error('grammar crashed')), [file('c.py', 'x = 1\n', null)]), ['symbols of c.py not read: grammar crashed']);
    const both: Outliner = { outline: (path, text) => (path.endsWith('.py') ? fake({ parseError: 'no tree' }).outline(path, text) : outliner.outline(path, text)) };
    assert.deepEqual(await symbolLines(both, [file('a.py', 'x = 1\n', 'x = 2\n'), ts]), ['symbols of a.py not read: parse failed (no tree)', ...(await symbolLines(outliner, [ts]))]);
    assert.match((await symbolLines(outliner, [ts]))[0] ?? '', /changed function `f` in src\/ok\.ts/);
  });

  it('a step that leaves a file with syntax errors says so (the real TypeScript grammar); one that was broken before does not repeat it', async () => {
    const good = 'export function f() {\n  return 1;\n}\nexport function g() {\n  return 2;\n}\n';
    const broken = 'export function f() {\n  return 1;\n}\nexport function g( {\n  return 2;\n}\n';
    const lines = await symbolLines(outliner, [file('src/x.ts', good, broken)]);
    assert.ok(lines.includes('src/x.ts now has syntax errors: its symbols are read as far as the parser recovers'), JSON.stringify(lines));
    const again = await symbolLines(outliner, [file('src/x.ts', broken, broken.replace('return 1', 'return 3'))]);
    assert.ok(!again.some((l) => /syntax errors/.test(l)), JSON.stringify(again));
    assert.deepEqual(await symbolLines(outliner, [file('notes.txt', 'a\n', 'b\n')]), [], 'an unsupported file type has no symbol lines');
  });

  it('past 40 lines, every file keeps a share and the last line says how many were left out and where', async () => {
    const fns = (n: number, v: number) => Array.from({ length: n }, (_, i) => `export function f${i}() {\n  return ${v};\n}\n`).join('');
    const parse = (v: number) => `export function parseConfig() {\n  return ${v};\n}\n`;
    const lines = await symbolLines(outliner, [file('src/a.ts', fns(45, 1), fns(45, 2)), file('src/b.ts', parse(1), parse(2))]);
    assert.equal(lines.length, 40);
    assert.ok(lines.includes('changed function `parseConfig` in src/b.ts'), 'the second file is not hidden by the first');
    assert.equal(lines.filter((l) => l.startsWith('changed') && l.endsWith('in src/a.ts')).length, 38);
    assert.equal(lines.at(-1), '… and 7 more symbol changes in src/a.ts', '46 changes: 39 shown, 7 left out');
    // Under the cap, nothing changes: every line, in file order.
    assert.deepEqual(cappedLines([{ path: 'a', lines: ['1', '2'] }, { path: 'b', lines: ['3'] }], 3), ['1', '2', '3']);
    // Turns: three files of 30, 1 and 30 lines in 10 lines: 4 + 1 + 4, then the count.
    const many = (p: string, n: number) => ({ path: p, lines: Array.from({ length: n }, (_, i) => `${p}${i}`) });
    const cut = cappedLines([many('a', 30), many('b', 1), many('c', 30)], 10);
    assert.deepEqual(cut, ['a0', 'a1', 'a2', 'a3', 'b0', 'c0', 'c1', 'c2', 'c3', '… and 52 more symbol changes in a and 1 more file']);
  });

  it('a file moved out of the languages read loses its symbols as a deletion would say, named where they were; moved into one, they are added', async () => {
    const text = 'export function parseConfig() {\n  return 1;\n}\n';
    const bytes = enc.encode(text);
    const moved = (from: string, to: string) =>
      fromCapture({ changes: [{ path: to, kind: 'renamed', from, before: { hash: 'h', size: bytes.length }, after: { hash: 'h', size: bytes.length }, beforeBytes: bytes, afterBytes: bytes, binary: false, tooLarge: false }] } as never).files;
    assert.deepEqual(await symbolLines(outliner, moved('src/config.ts', 'src/config.ts.bak')), ['removed function `parseConfig` in src/config.ts']);
    assert.deepEqual(await symbolLines(outliner, moved('notes/config.txt', 'src/config.ts')), ['added function `parseConfig` in src/config.ts']);
    assert.deepEqual(await symbolLines(outliner, moved('src/config.ts', 'lib/config.ts')), [], 'a move between names of the same language changes no symbol');
    assert.deepEqual(await symbolLines(outliner, [file('src/config.ts', text, null)]), ['removed function `parseConfig` in src/config.ts'], 'as a deletion says');
  });
});
