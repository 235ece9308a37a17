import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol deltas: a file a step leaves with syntax errors, and the step that fixes it', () => {
  const { delta, outliner } = deltaSuite();
  const ts = 'function a() {\n  return 1;\n}\n\nfunction b() {\n  return 2;\n}\n\nfunction c() {\n  return 3;\n}\n';
  const broken = ts.replace('return 1;\n}', 'return 1;\n');

  it('symbols the parser no longer finds after an unclosed brace are not said to be removed', () => {
    assert.equal(outliner().outline('a.ts', broken).hasSyntaxErrors, true);
    const lines = delta('a.ts', ts, broken);
    assert.equal(lines.filter((l) => l.startsWith('removed')).length, 0, lines.join('\n'));
    assert.deepEqual(lines, ['function `a`, function `b`, function `c` in a.ts not found: removed, or hidden by its syntax errors']);
  });

  it('python: a def swallowed by a broken one before it is not removed', () => {
    const py = 'def a():\n    return 1\n\ndef b():\n    return 2\n\ndef c():\n    return 3\n';
    const lines = delta('a.py', py, py.replace('return 2', 'return (2'));
    assert.deepEqual(lines, ['changed function `b` in a.py', 'function `c` in a.py not found: removed, or hidden by its syntax errors']);
  });

  it('the step that fixes the file does not say it added the symbols the errors hid', () => {
    assert.deepEqual(delta('a.ts', broken, ts), ['function `a`, function `b`, function `c` in a.ts found: added, or hidden before by its syntax errors']);
  });

  it('without syntax errors on the side concerned, removals and additions are said as before', () => {
    const without = ts.replace('function c() {\n  return 3;\n}\n', '');
    assert.deepEqual(delta('a.ts', ts, without), ['removed function `c` in a.ts']);
    assert.deepEqual(delta('a.ts', without, ts), ['added function `c` in a.ts']);
    // Syntax errors elsewhere in the file after the step: a symbol that is gone is still not claimed removed.
    assert.deepEqual(delta('a.ts', ts, without.replace('return 2;', 'return 2;;; @@@')), ['changed function `b` in a.ts', 'function `c` in a.ts not found: removed, or hidden by its syntax errors']);
  });
});
