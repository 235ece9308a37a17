import { strict as assert } from 'node:assert';
import { unifiedDiff } from '../../../src/core/runner/fileChanges';
import { countLines } from '../../../src/core/runner/timelineViewLoader';

const enc = new TextEncoder();
const lines = (n: number, eol: string) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join(eol) + eol;

describe('diffs shown to the user are bounded', () => {
  it('the approval diff of a whole-file rewrite (line endings converted) is a note with both sizes, not a line diff', () => {
    const before = enc.encode(lines(8000, '\n'));
    const after = enc.encode(lines(8000, '\r\n'));
    const diff = unifiedDiff([{ path: 'src/big.ts', before, after }]);
    assert.match(diff, /src\/big\.ts: too many lines differ to show a line diff \(8000 lines, \d+ bytes -> 8000 lines, \d+ bytes\)/);
    assert.match(diff, /line endings/);
  });

  it('the approval diff of a few lines in a long file is still an exact line diff', () => {
    const text = lines(20000, '\n');
    const after = text.replace('export const v100 = 100;', 'export const v100 = 101;');
    const diff = unifiedDiff([{ path: 'src/long.ts', before: enc.encode(text), after: enc.encode(after) }]);
    assert.match(diff, /^-export const v100 = 100;$/m);
    assert.match(diff, /^\+export const v100 = 101;$/m);
    assert.match(diff, /@@ -98,7 \+98,7 @@/);
  });

  it('a created and a deleted file still show whole', () => {
    const created = unifiedDiff([{ path: 'gen/new.ts', before: null, after: enc.encode(lines(3000, '\n')) }]);
    assert.match(created, /@@ -0,0 \+1,3000 @@/);
    const deleted = unifiedDiff([{ path: 'old.ts', before: enc.encode('a\nb\n'), after: null }]);
    assert.match(deleted, /@@ -1,2 \+0,0 @@/);
  });

  it('the sidebar line counts give up (no counts) when too many lines differ, and still count an ordinary edit', () => {
    assert.equal(countLines(lines(8000, '\n'), lines(8000, '\r\n')), undefined);
    const text = lines(20000, '\n');
    assert.deepEqual(countLines(text, text.replace('v5 = 5;', 'v5 = 6;')), { added: 1, removed: 1 });
    assert.deepEqual(countLines('', lines(6000, '\n')), { added: 6000, removed: 0 });
  });
});
