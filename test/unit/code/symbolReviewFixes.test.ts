import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { describeDelta, symbolDelta } from '../../../src/core/code/symbolDelta';

describe('symbol deltas: class leads, overload signatures, CommonJS exports, multi-declarator heads', () => {
  let outliner: AstOutliner;
  before(async () => {
    outliner = await AstOutliner.create();
  });
  after(() => outliner.dispose());

  const delta = (path: string, a: string, b: string) => describeDelta(path, symbolDelta(outliner.outline(path, a), outliner.outline(path, b)));
  const names = (path: string, text: string) => outliner.outline(path, text).symbols.map((s) => `${s.kind} ${s.name}`);

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
});
