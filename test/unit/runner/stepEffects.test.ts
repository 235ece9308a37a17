import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import type { Outline } from '../../../src/core/code/outlineTypes';
import { type Outliner, symbolLines } from '../../../src/core/runner/stepEffects';

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
});
