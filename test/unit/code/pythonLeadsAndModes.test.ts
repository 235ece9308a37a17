import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { describeDelta, symbolDelta } from '../../../src/core/code/symbolDelta';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';

describe("Python comments around if/else blocks, twin symbols, and staged files' modes", () => {
  let outliner: AstOutliner;
  before(async () => {
    outliner = await AstOutliner.create();
  });
  after(() => outliner.dispose());

  const hashes = (src: string) => outliner.outline('m.py', src).symbols.map((s) => `${s.name}:${s.hash}`);

  it('a comment after the colon of `if X:` is not part of the def below it', () => {
    const a = 'if X:  # note\n    def f():\n        pass\n';
    assert.deepEqual(hashes(a.replace('note', 'NOTE')), hashes(a));
  });
  it('a comment after the colon of `else:` is not part of the def below it', () => {
    const a = 'if X:\n    pass\nelse:  # note\n    def f():\n        pass\n';
    assert.deepEqual(hashes(a.replace('note', 'NOTE')), hashes(a));
  });
  it('own-line comment right above the first def of an else/except/with block is part of it', () => {
    for (const a of [
      'if X:\n    pass\nelse:\n    # doc\n    def f():\n        pass\n',
      'try:\n    pass\nexcept E:\n    # doc\n    def f():\n        pass\n',
      'with x:\n    # doc\n    def f():\n        pass\n',
      'class C:\n    if X:\n        # doc\n        def f(self):\n            pass\n',
    ]) {
      const b = a.replace('doc', 'DOC');
      const d = symbolDelta(outliner.outline('m.py', a), outliner.outline('m.py', b));
      assert.deepEqual(describeDelta('m.py', d).filter((l) => !l.includes('class')), [d.changed.length ? describeDelta('m.py', d)[0] : 'changed function `f` in m.py'], a);
    }
  });
  it('overloads: editing the second of two identical-bodied defs reports one change', () => {
    const a = 'if X:\n    def f():\n        return 1\nelse:\n    def f():\n        return 1\n';
    const b = 'if X:\n    def f():\n        return 1\nelse:\n    def f():\n        return 2\n';
    const d = symbolDelta(outliner.outline('m.py', a), outliner.outline('m.py', b));
    assert.deepEqual(describeDelta('m.py', d), ['changed function `f` in m.py']);
    assert.equal(d.changed[0]?.before.startLine, d.changed[0]?.after.startLine);
  });

  for (const mode of [0o444, 0o044, 0o000, 0o4755]) {
    it(`a file staged with mode ${mode.toString(8)} is written with its bytes and ends with that mode`, async function () {
      if (process.platform === 'win32') this.skip();
      const root = await mkdtemp(join(tmpdir(), 'savepoint-rv3mode-'));
      try {
        const ws = new NodeWorkspace(root);
        for (const size of [5, 400 * 1024]) {
          if (fs.existsSync(join(root, 'f'))) fs.unlinkSync(join(root, 'f'));
          await ws.writeFiles([{ path: 'f', bytes: Buffer.alloc(size, 'N'), mode }]);
          assert.equal(fs.statSync(join(root, 'f')).size, size);
          assert.equal(fs.statSync(join(root, 'f')).mode & 0o7777, mode);
        }
      } finally {
        fs.chmodSync(root, 0o755);
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});
