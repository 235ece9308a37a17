import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { type SymbolInfo } from '../../../src/core/code/outlineTypes';
import { describeDelta, symbolDelta } from '../../../src/core/code/symbolDelta';
import { SCRIPT_PAIRS } from './languagePairs';
import { COMPILED_PAIRS } from './languagePairsCompiled';

const label = (s: SymbolInfo): string => `${s.kind} ${s.name}`;

describe('symbol deltas with the real grammars', () => {
  let outliner: AstOutliner;
  before(async () => {
    outliner = await AstOutliner.create();
  });
  after(() => outliner.dispose());

  for (const pair of [...SCRIPT_PAIRS, ...COMPILED_PAIRS]) {
    it(`${pair.language}: one added, one removed, one changed symbol (${pair.path})`, () => {
      const before = outliner.outline(pair.path, pair.before);
      const after = outliner.outline(pair.path, pair.after);
      for (const outline of [before, after]) {
        assert.equal(outline.language, pair.language);
        assert.equal(outline.hasSyntaxErrors, false);
        assert.equal(outline.parseError, undefined);
      }
      const delta = symbolDelta(before, after);
      assert.deepEqual(
        {
          added: delta.added.map(label),
          removed: delta.removed.map(label),
          changed: delta.changed.map((c) => label(c.after)),
          renamed: delta.renamed.map((r) => `${label(r.before)} -> ${r.after.name}`),
        },
        { added: pair.added, removed: pair.removed, changed: pair.changed, renamed: [] },
      );
    });
  }

  it('describes a step in words', () => {
    const [ts] = SCRIPT_PAIRS;
    assert.ok(ts);
    const delta = symbolDelta(outliner.outline(ts.path, ts.before), outliner.outline(ts.path, ts.after));
    assert.deepEqual(describeDelta(ts.path, delta), [
      'changed function `parseConfig` in src/config.ts',
      'added method `Loader.reload` in src/config.ts',
      'removed method `Loader.clear` in src/config.ts',
    ]);
  });

  it('reports a renamed function whose body is unchanged as renamed', () => {
    const before = outliner.outline('a.ts', 'export function load(p: string) {\n  return p;\n}\n');
    const after = outliner.outline('a.ts', 'export function read(p: string) {\n  return p;\n}\n');
    const delta = symbolDelta(before, after);
    assert.deepEqual(describeDelta('a.ts', delta), ['renamed function `load` to `read` in a.ts']);
  });
});
