import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol deltas: class leads, overload signatures, CommonJS exports, multi-declarator heads', () => {
  const { delta, outliner } = deltaSuite();
  const names = (path: string, text: string) => outliner().outline(path, text).symbols.map((s) => `${s.kind} ${s.name}`);

  describe('python: a comment above the first method of a class', () => {
    const cls = (c: string) => `class A:\n    # ${c}\n    def m(self):\n        return 1\n\n    # ${c}\n    def n(self):\n        return 2\n`;
    const before = cls('doc');

    it('belongs to the method, as the comment above the second method does', () => {
      const firstChanged = before.replace('# doc\n    def m', '# doc, changed\n    def m');
      const secondChanged = before.replace('# doc\n    def n', '# doc, changed\n    def n');
      assert.deepEqual(delta('a.py', before, secondChanged), ['changed method `A.n` in a.py']);
      assert.deepEqual(delta('a.py', before, firstChanged), ['changed method `A.m` in a.py']);
    });

    it('stays with the class when a blank line separates it from the method', () => {
      const a = 'class A:\n    # doc\n\n    def m(self):\n        return 1\n';
      assert.deepEqual(delta('a.py', a, a.replace('# doc', '# DOC')), ['changed class `A` in a.py']);
    });

    it('a comment on the class line itself stays with the class', () => {
      const a = 'class A:  # doc\n    # lead\n    def m(self):\n        return 1\n';
      assert.deepEqual(delta('a.py', a, a.replace('# doc', '# DOC')), ['changed class `A` in a.py']);
      assert.deepEqual(delta('a.py', a, a.replace('# lead', '# LEAD')), ['changed method `A.m` in a.py']);
    });

    it('ruby, whose grammar does the same: the comment belongs to the first method', () => {
      const a = 'class A\n  # doc\n  def m\n    1\n  end\nend\n';
      assert.deepEqual(delta('a.rb', a, a.replace('# doc', '# DOC')), ['changed method `A.m` in a.rb']);
    });
  });

  describe('typescript: a method overload signature in a class', () => {
    const before = 'class A {\n  f(a: string): void;\n  f(a: any) {\n    return a;\n  }\n}\n';

    it('is a method of its own name, so changing it changes the method, not the class', () => {
      const after = 'class A {\n  f(a: number): void;\n  f(a: any) {\n    return a;\n  }\n}\n';
      assert.deepEqual(names('a.ts', before), ['class A', 'method A.f', 'method A.f']);
      assert.deepEqual(delta('a.ts', before, after), ['changed method `A.f` in a.ts']);
    });

    it('adding one is an added method; the class and the other overloads stay unchanged', () => {
      const after = before.replace('  f(a: string): void;\n', '  f(a: string): void;\n  f(a: number): void;\n');
      assert.deepEqual(delta('a.ts', before, after), ['added method `A.f` in a.ts']);
      assert.deepEqual(delta('a.ts', before, before), []);
    });
  });

  describe('javascript: CommonJS exports at module level', () => {
    const lib = "exports.parse = function (text) {\n  return text.trim();\n};\nmodule.exports.load = (p) => require('fs').readFileSync(p, 'utf8');\n";

    it('exports.parse = function … is a symbol, and an edit inside it is reported', () => {
      const after = lib.replace('text.trim()', 'text.trim().toLowerCase()');
      assert.deepEqual(names('lib.js', lib), ['function parse', 'function load']);
      assert.deepEqual(delta('lib.js', lib, after), ['changed function `parse` in lib.js']);
      assert.deepEqual(delta('lib.cjs', lib, lib), []);
    });

    it('other values are variables or classes; assignments to anything but exports are not symbols', () => {
      const text = 'exports.LIMIT = 3;\nexports.Cache = class {\n  get() {}\n};\nconfig.debug = true;\nexports = {};\nif (x) {\n  exports.late = 1;\n}\n';
      assert.deepEqual(names('lib.cjs', text), ['variable LIMIT', 'class Cache', 'method Cache.get']);
      assert.deepEqual(names('lib.ts', text), ['variable LIMIT', 'class Cache', 'method Cache.get']);
    });

    it('module.exports = { … }: its methods and function-valued properties are symbols of their own', () => {
      const before = 'module.exports = {\n  // reads\n  parse(t) {\n    return t;\n  },\n  load: (p) => p,\n  limit: 3,\n};\n';
      assert.deepEqual(names('lib.js', before), ['variable module.exports', 'method module.exports.parse', 'method module.exports.load']);
      assert.deepEqual(delta('lib.js', before, before.replace('// reads', '// parses')), ['changed method `module.exports.parse` in lib.js']);
      assert.deepEqual(delta('lib.js', before, before.replace('  load: (p) => p,\n', '')), ['removed method `module.exports.load` in lib.js']);
      assert.deepEqual(delta('lib.js', before, before.replace('limit: 3', 'limit: 4')), ['changed variable `module.exports` in lib.js']);
    });
  });

  describe('typescript and javascript: a declaration of several constants', () => {
    it('un-exporting `export const a = 1, b = 2` changes both, as un-exporting `export const a = 1` changes `a`', () => {
      assert.deepEqual(delta('a.ts', 'export const a = 1;\n', 'const a = 1;\n'), ['changed constant `a` in a.ts']);
      assert.deepEqual(delta('a.ts', 'export const a = 1, b = 2;\n', 'const a = 1, b = 2;\n'), ['changed constant `a` in a.ts', 'changed constant `b` in a.ts']);
      assert.deepEqual(delta('a.js', 'export let a = 1, b = 2;\n', 'export var a = 1, b = 2;\n'), ['changed variable `a` in a.js', 'changed variable `b` in a.js']);
    });

    it('the comment above the line is part of each; editing one declarator changes only it', () => {
      const before = '// limits\nexport const a = 1,\n  b = 2,\n  c = 3;\n';
      assert.deepEqual(delta('a.ts', before, before.replace('limits', 'bounds')), ['changed constant `a` in a.ts', 'changed constant `b` in a.ts', 'changed constant `c` in a.ts']);
      assert.deepEqual(delta('a.ts', before, before.replace('b = 2', 'b = 20')), ['changed constant `b` in a.ts']);
      assert.deepEqual(delta('a.ts', before, before), []);
    });

    it('dropping one declarator leaves the others as they were, down to a single one', () => {
      assert.deepEqual(delta('a.ts', 'export const a = 1, b = 2, c = 3;\n', 'export const a = 1, c = 3;\n'), ['removed constant `b` in a.ts']);
      assert.deepEqual(delta('a.ts', 'export const a = 1, b = 2;\n', 'export const a = 1;\n'), ['removed constant `b` in a.ts']);
    });
  });
});

