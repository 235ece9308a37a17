import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { describeDelta, symbolDelta } from '../../../src/core/code/symbolDelta';

describe('Python definitions under if/try: deltas and comments', () => {
  let outliner: AstOutliner;
  before(async () => {
    outliner = await AstOutliner.create();
  });
  after(() => outliner.dispose());

  it('a step that adds one more branch with a def names only that def, not the unchanged ones', () => {
    const before = ['import sys', 'if sys.platform == "win32":', '    def parse(text):', '        return 1', 'else:', '    def parse(text):', '        return 2', ''].join('\n');
    const after = ['import sys', 'if sys.platform == "darwin":', '    def parse(text):', '        return 0', 'elif sys.platform == "win32":', '    def parse(text):', '        return 1', 'else:', '    def parse(text):', '        return 2', ''].join('\n');
    const d = symbolDelta(outliner.outline('m.py', before), outliner.outline('m.py', after));
    assert.deepEqual(describeDelta('m.py', d), ['added function `parse` in m.py']);
  });

  it('a step that removes the first of two same-named defs names only the removal', () => {
    const before = ['try:', '    def load(p):', '        return fast(p)', 'except ImportError:', '    def load(p):', '        return slow(p)', ''].join('\n');
    const after = ['try:', '    import fast', 'except ImportError:', '    def load(p):', '        return slow(p)', ''].join('\n');
    const d = symbolDelta(outliner.outline('m.py', before), outliner.outline('m.py', after));
    assert.deepEqual(describeDelta('m.py', d), ['removed function `load` in m.py']);
  });

  it('the comment right above the first def of an if block is part of it, as above a top-level def', () => {
    const src = 'if X:\n    # how f parses\n    def f():\n        pass\n\n# how g parses\ndef g():\n    pass\n';
    const before = outliner.outline('m.py', src);
    const after = outliner.outline('m.py', src.replace('how f', 'HOW f').replace('how g', 'HOW g'));
    assert.notEqual(after.symbols[1]?.hash, before.symbols[1]?.hash, 'g: its comment counts');
    assert.notEqual(after.symbols[0]?.hash, before.symbols[0]?.hash, 'f: its comment counts too');
  });
});
