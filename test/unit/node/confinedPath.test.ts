import assert from 'node:assert/strict';
import path from 'node:path';
import { inDir, isInside, lexicalPath, relativeInside } from '../../../src/core/node/confinedPath';

/** The fast string forms must agree with `path.resolve` / `path.relative` on every shape of path. */
describe('confined path arithmetic', () => {
  const roots = ['/', '/w', '/w/', '/work/main', '/work/main/', '/work//main', '/work/./main', '/work/x/../main'];
  const given = ['a', 'a/b.ts', 'a/b/', 'a//b', './a', 'a/./b', 'a/../b', '..', '../x', 'a/../../x', '.', '.hidden', 'a/.b/c', 'a/..b', '...', '/abs/p', '/work/main/a', '/work/mainx/a', '/work/main'];

  it('lexicalPath is path.resolve for every root and relative or absolute path', () => {
    for (const r of roots) for (const g of given) assert.equal(lexicalPath(r, g), path.resolve(r, g), `${r} + ${g}`);
  });

  it('relativeInside and isInside agree with path.relative', () => {
    const bases = ['/', '/work/main', '/work/main/', '/work//main', '/work/main/../main'];
    const targets = ['/', '/work', '/work/main', '/work/main/', '/work/mainx', '/work/main/a', '/work/main/a/b/', '/work/main/../x', '/work/main/./a', '/other', '/work/main/a/..', '/work/main/a/../..'];
    for (const b of bases) {
      for (const t of targets) {
        const r = path.relative(b, t);
        const inside = r === '' || !(r === '..' || r.startsWith('../') || path.isAbsolute(r));
        assert.equal(relativeInside(b, t), inside ? r : undefined, `${b} vs ${t}`);
        assert.equal(isInside(b, t), inside);
      }
    }
  });

  it('inDir is path.join for a normalized folder and one name', () => {
    const dirs = ['/', '/w', '/work/main', '/work/main/src/m012', '/a b/c'];
    const names = ['f.ts', '.savepoint-rw-0123abcd0001.tmp', 'x y', '..hidden'];
    for (const d of dirs) for (const n of names) assert.equal(inDir(d, n), path.join(d, n), `${d} + ${n}`);
  });
});
