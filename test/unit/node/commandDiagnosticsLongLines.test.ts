import assert from 'node:assert/strict';
import { parseDiagnosticLine, parseStylishRow } from '../../../src/core/node/commandDiagnostics';

/**
 * A checker may print a line of the code it complains about (gcc's and rustc's code frames), and a
 * generated or minified file can hold a line of millions of blanks. Reading such a line must take
 * time in proportion to it: the patterns that were quadratic in a run of blanks took hours on one.
 */
describe('CommandDiagnostics: a line with a run of millions of blanks', function () {
  this.timeout(90_000);
  const blanks = ' '.repeat(3_000_000);

  it('is read (as no finding) without stalling the step', () => {
    assert.equal(parseDiagnosticLine(`${blanks}x`), undefined);
    assert.equal(parseDiagnosticLine(`  12 |${blanks}x = y;`), undefined);
  });

  it('nor in an ESLint row, whose rule follows two blanks or more', () => {
    const row = parseStylishRow(`  1:1  error  Unexpected${blanks}x y`, '/w/a.js');
    assert.equal(row?.code, undefined);
    assert.equal(parseStylishRow('  1:1  error  Unexpected var  no-var', '/w/a.js')?.code, 'no-var');
  });
});
