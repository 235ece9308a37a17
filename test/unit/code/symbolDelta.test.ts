import assert from 'node:assert/strict';
import { type Outline, type SymbolInfo } from '../../../src/core/code/outlineTypes';
import { describeDelta, symbolDelta } from '../../../src/core/code/symbolDelta';

function sym(kind: string, name: string, hash: string, bodyHash = `body-${hash}`): SymbolInfo {
  return { name, kind, startLine: 1, endLine: 1, hash, bodyHash };
}

function outline(...symbols: SymbolInfo[]): Outline {
  return { language: 'typescript', symbols, hasSyntaxErrors: false };
}

describe('symbolDelta', () => {
  const f = sym('function', 'f', 'h1');
  const g = sym('function', 'g', 'h2');

  it('a created file adds every symbol, a deleted one removes every symbol', () => {
    assert.deepEqual(symbolDelta(null, outline(f, g)), { added: [f, g], removed: [], changed: [], renamed: [] });
    assert.deepEqual(symbolDelta(outline(f, g), null), { added: [], removed: [f, g], changed: [], renamed: [] });
    assert.deepEqual(symbolDelta(null, null), { added: [], removed: [], changed: [], renamed: [] });
  });

  it('matches by name and kind, not by position', () => {
    const g2 = sym('function', 'g', 'h2b');
    assert.deepEqual(symbolDelta(outline(f, g), outline(g2, f)), { added: [], removed: [], changed: [{ before: g, after: g2 }], renamed: [] });
  });

  it('matches duplicate names (overloads, repeated impl blocks) in order', () => {
    const [a, b, c] = [sym('function', 'f', 'o1'), sym('function', 'f', 'o2'), sym('function', 'f', 'o3')];
    assert.deepEqual(symbolDelta(outline(a, b), outline(a, c)), { added: [], removed: [], changed: [{ before: b, after: c }], renamed: [] });
    assert.deepEqual(symbolDelta(outline(a, b), outline(a)), { added: [], removed: [b], changed: [], renamed: [] });
    assert.deepEqual(symbolDelta(outline(a), outline(a, b)), { added: [b], removed: [], changed: [], renamed: [] });
  });

  it('a kind change is a removal and an addition', () => {
    const asConst = sym('constant', 'f', 'h9');
    assert.deepEqual(symbolDelta(outline(f), outline(asConst)), { added: [asConst], removed: [f], changed: [], renamed: [] });
  });

  it('pairs a removed and an added symbol with the same kind and name-blind hash as a rename', () => {
    const old = sym('method', 'A.load', 'x1', 'same');
    const renamed = sym('method', 'A.read', 'x2', 'same');
    const other = sym('class', 'B', 'x3', 'same');
    assert.deepEqual(symbolDelta(outline(old), outline(other, renamed)), {
      added: [other],
      removed: [],
      changed: [],
      renamed: [{ before: old, after: renamed }],
    });
  });

  it('cannot compare a side that was not parsed: empty delta', () => {
    const skipped: Outline = { language: 'typescript', symbols: [], skipped: 'tooLarge', hasSyntaxErrors: false };
    const failed: Outline = { language: 'typescript', symbols: [], parseError: 'boom', hasSyntaxErrors: false };
    const empty = { added: [], removed: [], changed: [], renamed: [] };
    assert.deepEqual(symbolDelta(outline(f), skipped), empty);
    assert.deepEqual(symbolDelta(failed, outline(f)), empty);
    assert.deepEqual(symbolDelta(null, skipped), empty);
  });
});

describe('describeDelta', () => {
  it('writes one line per change: changed, added, removed, renamed', () => {
    const lines = describeDelta('src/x.rs', {
      changed: [{ before: sym('function', 'parse', 'a'), after: sym('function', 'parse', 'b') }],
      added: [sym('impl', 'impl Foo', 'c'), sym('method', 'impl Foo.bar', 'd')],
      removed: [sym('struct', 'Old', 'e')],
      renamed: [{ before: sym('function', 'a', 'f'), after: sym('function', 'b', 'g') }],
    });
    assert.deepEqual(lines, [
      'changed function `parse` in src/x.rs',
      'added `impl Foo` in src/x.rs',
      'added method `impl Foo.bar` in src/x.rs',
      'removed struct `Old` in src/x.rs',
      'renamed function `a` to `b` in src/x.rs',
    ]);
    assert.deepEqual(describeDelta('a.ts', { added: [], removed: [], changed: [], renamed: [] }), []);
  });
});
