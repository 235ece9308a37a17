import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { type Outline } from '../../../src/core/code/outlineTypes';

const labels = (o: Outline): string[] => o.symbols.map((s) => `${s.kind} ${s.name}`);
const hashOf = (o: Outline, name: string): string | undefined => o.symbols.find((s) => s.name === name)?.hash;

describe('AstOutliner', () => {
  let outliner: AstOutliner;
  before(async () => {
    outliner = await AstOutliner.create();
  });
  after(() => outliner.dispose());

  describe('qualified names', () => {
    it('TypeScript: class members, namespaces, overloads, exported and arrow-function consts', () => {
      const o = outliner.outline(
        'src/run.ts',
        [
          'export default class Runner<T> extends Base {',
          '  private x = 1;',
          '  constructor() { super(); }',
          '  get size() { return 1; }',
          '  run(): void {}',
          '}',
          'export function f(a: string): void;',
          'export function f(a: unknown) {}',
          'namespace NS { export function inner() {} }',
          'export const handler = async () => 1, LIMIT = 3;',
          'let mutable = 0;',
          'declare function ambient(): void;',
          'export type Id = string;',
          'enum Mode { A }',
        ].join('\n'),
      );
      assert.deepEqual(labels(o), [
        'class Runner',
        'method Runner.constructor',
        'method Runner.size',
        'method Runner.run',
        'function f',
        'function f',
        'namespace NS',
        'function NS.inner',
        'constant handler',
        'constant LIMIT',
        'variable mutable',
        'function ambient',
        'type Id',
        'enum Mode',
      ]);
      assert.deepEqual(
        o.symbols.map((s) => [s.startLine, s.endLine]).slice(0, 4),
        [[1, 6], [3, 3], [4, 4], [5, 5]],
      );
    });

    it('an anonymous default export is the symbol `default` (function, arrow function, class with its methods, object); other expressions are not symbols', () => {
      assert.deepEqual(labels(outliner.outline('a.js', 'export default function () { return 1; }\n')), ['function default']);
      assert.deepEqual(labels(outliner.outline('a.ts', 'export default () => 1;\n')), ['function default']);
      assert.deepEqual(labels(outliner.outline('a.js', 'export default class { m() {} }\n')), ['class default', 'method default.m']);
      assert.deepEqual(labels(outliner.outline('a.ts', 'export default { a: 1 };\n')), ['constant default']);
      assert.deepEqual(labels(outliner.outline('a.js', 'export default compute;\n(function () {})();\nconst o = { a: 1 };\n')), ['constant o']);
      const before = outliner.outline('a.js', 'export default function () { return 1; }\n');
      const after = outliner.outline('a.js', 'export default function () { return 2; }\n');
      assert.notEqual(hashOf(before, 'default'), hashOf(after, 'default'), 'a change of its body changes its hash');
    });

    it('a lone const holding an arrow function is a function, a class field holding one a method', () => {
      assert.deepEqual(labels(outliner.outline('a.ts', 'export const parse = (s: string) => s;')), ['function parse']);
      const fields = 'class A {\n  static h = () => 1;\n  x = 2;\n  #p = function () {};\n}\n';
      for (const path of ['a.ts', 'a.js']) {
        assert.deepEqual(labels(outliner.outline(path, fields)), ['class A', 'method A.h', 'method A.#p'], path);
      }
    });

    it('Go: methods are named by receiver type, pointer or not, without type arguments', () => {
      const o = outliner.outline(
        'srv.go',
        'package p\nfunc (s *Server) Start() error { return nil }\nfunc (s Server[T]) Stop() {}\ntype (\n  A int\n  I interface{ M() }\n)\nconst K, L = 1, 2\n',
      );
      assert.deepEqual(labels(o), [
        'method (*Server).Start',
        'method (Server).Stop',
        'type A',
        'interface I',
        'constant K',
        'constant L',
      ]);
    });

    it('Rust: impl blocks are named by type (and trait), their fns are methods', () => {
      const o = outliner.outline(
        'lib.rs',
        'impl<T> fmt::Display for Wrapper<T> {\n    fn fmt(&self) {}\n}\nimpl Foo { fn bar() {} }\nimpl Foo { fn baz() {} }\ntrait Tr { fn t(&self); }\nmod m { pub fn inner() {} }\n',
      );
      assert.deepEqual(labels(o), [
        'impl impl fmt::Display for Wrapper<T>',
        'method impl fmt::Display for Wrapper<T>.fmt',
        'impl impl Foo',
        'method impl Foo.bar',
        'impl impl Foo',
        'method impl Foo.baz',
        'trait Tr',
        'method Tr.t',
        'module m',
        'function m.inner',
      ]);
    });

    it('Python: decorated defs and classes, nested classes; nested functions belong to their function', () => {
      const o = outliner.outline(
        'm.py',
        'X = 1\n@decorator\ndef f():\n    def inner():\n        pass\n\nclass C:\n    y = 2\n    @property\n    def m(self):\n        pass\n    class Inner:\n        def deep(self):\n            pass\n',
      );
      assert.deepEqual(labels(o), ['variable X', 'function f', 'class C', 'method C.m', 'class C.Inner', 'method C.Inner.deep']);
      assert.equal(o.symbols[1]?.startLine, 2, 'a decorated def starts at its decorator');
    });

    it('Python: defs and classes under a module- or class-level if, try or with are the module\'s or the class\'s; a def inside a function stays part of it', () => {
      const src = [
        'import sys',
        'if sys.version_info >= (3, 11):',
        '    def parse(text):',
        '        return 1',
        'elif sys.platform == "win32":',
        '    def parse(text):',
        '        return 2',
        'else:',
        '    MODE = "old"',
        'try:',
        '    import json',
        'except ImportError:',
        '    json = None',
        'finally:',
        '    class Loader:',
        '        if True:',
        '            def load(self):',
        '                pass',
        'def outer():',
        '    if True:',
        '        def hidden():',
        '            pass',
        '',
      ].join('\n');
      const o = outliner.outline('m.py', src);
      assert.deepEqual(labels(o), ['function parse', 'function parse', 'variable MODE', 'variable json', 'class Loader', 'method Loader.load', 'function outer']);
      const changed = outliner.outline('m.py', src.replace('return 2', 'return 3'));
      assert.notEqual(changed.symbols[1]?.hash, o.symbols[1]?.hash, 'the second parse changed');
      assert.equal(changed.symbols[0]?.hash, o.symbols[0]?.hash, 'the first did not');
    });

    it('C++: namespaces, classes, out-of-line definitions, templates, anonymous namespaces', () => {
      const o = outliner.outline(
        'a.hpp',
        'namespace {\nint hidden() { return 0; }\n}\nclass A { void m() {} };\nvoid A::n() {}\ntemplate <typename T> T id(T x) { return x; }\nclass Fwd;\n',
      );
      assert.deepEqual(labels(o), ['namespace (anonymous)', 'function (anonymous).hidden', 'class A', 'method A.m', 'function A::n', 'function id']);
    });
  });

  describe('hashes', () => {
    const SRC = 'export class A {\n  field = 1;\n\n  m(): number {\n    return 1;\n  }\n}\n';

    it('are deterministic: same text, same hashes, in any outliner', async () => {
      const other = await AstOutliner.create();
      try {
        assert.deepEqual(outliner.outline('a.ts', SRC), outliner.outline('a.ts', SRC));
        assert.deepEqual(other.outline('a.ts', SRC), outliner.outline('a.ts', SRC));
        assert.match(outliner.outline('a.ts', SRC).symbols[0]?.hash ?? '', /^[0-9a-f]{16}$/);
      } finally {
        other.dispose();
      }
    });

    it('ignore line endings, trailing whitespace, blank lines and uniform reindentation', () => {
      const base = outliner.outline('a.ts', SRC);
      const variants = [
        SRC.replace(/\n/g, '\r\n'),
        SRC.replace(/\n/g, '  \t\n'),
        SRC.replace('\n\n', '\n').replace('{\n', '{\n\n\n'),
        SRC.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n'),
      ];
      for (const text of variants) {
        assert.deepEqual(
          outliner.outline('a.ts', text).symbols.map((s) => [s.name, s.hash]),
          base.symbols.map((s) => [s.name, s.hash]),
          JSON.stringify(text),
        );
      }
    });

    it('count changed relative indentation and intra-line spacing (Python indentation is syntax)', () => {
      const py = 'def f(x):\n    if x:\n        a()\n        b()\n';
      const moved = 'def f(x):\n    if x:\n        a()\n    b()\n';
      assert.notEqual(hashOf(outliner.outline('a.py', py), 'f'), hashOf(outliner.outline('a.py', moved), 'f'));
      const ts = outliner.outline('a.ts', 'function g() { return 1; }');
      assert.notEqual(hashOf(ts, 'g'), hashOf(outliner.outline('a.ts', 'function g() { return  1; }'), 'g'));
    });

    it('a container hashes its own text only: a changed method changes the method, a changed field the class', () => {
      const base = outliner.outline('a.ts', SRC);
      const method = outliner.outline('a.ts', SRC.replace('return 1', 'return 2'));
      const field = outliner.outline('a.ts', SRC.replace('field = 1', 'field = 2'));
      assert.equal(hashOf(method, 'A'), hashOf(base, 'A'));
      assert.notEqual(hashOf(method, 'A.m'), hashOf(base, 'A.m'));
      assert.notEqual(hashOf(field, 'A'), hashOf(base, 'A'));
      assert.equal(hashOf(field, 'A.m'), hashOf(base, 'A.m'));
      const oneLine = outliner.outline('a.ts', 'class B { m() {} n() {} }');
      assert.equal(hashOf(outliner.outline('a.ts', 'class B { m() {} }'), 'B'), hashOf(oneLine, 'B'));
      const cpp = outliner.outline('a.cpp', 'namespace n {\nstruct S { int a; };\n}\n');
      assert.equal(hashOf(outliner.outline('a.cpp', 'namespace n {\n}\n'), 'n'), hashOf(cpp, 'n'));
    });

    it('include the doc comment right above a symbol, not a detached or trailing one', () => {
      const base = 'const a = 1; // trailing\n/** Doc. */\nfunction f() {}\n';
      const o = outliner.outline('a.ts', base);
      assert.equal(o.symbols[1]?.startLine, 3, 'startLine is the declaration, not its comment');
      const docChanged = outliner.outline('a.ts', base.replace('Doc.', 'Docs.'));
      assert.notEqual(hashOf(docChanged, 'f'), hashOf(o, 'f'));
      const trailingChanged = outliner.outline('a.ts', base.replace('trailing', 'other'));
      assert.equal(hashOf(trailingChanged, 'f'), hashOf(o, 'f'));
      const detached = outliner.outline('a.ts', base.replace('/** Doc. */\n', '/** Doc. */\n\n'));
      assert.equal(hashOf(detached, 'f'), hashOf(outliner.outline('a.ts', 'function f() {}'), 'f'));
    });

    it('Rust attributes and doc comments belong to the item', () => {
      const base = outliner.outline('a.rs', '/// A point.\n#[derive(Debug)]\nstruct P { x: i32 }\n');
      const derived = outliner.outline('a.rs', '/// A point.\n#[derive(Debug, Clone)]\nstruct P { x: i32 }\n');
      assert.equal(base.symbols[0]?.startLine, 3);
      assert.notEqual(hashOf(derived, 'P'), hashOf(base, 'P'));
    });
  });

  describe('files it cannot fully outline', () => {
    it('a syntax error gives a best-effort outline with hasSyntaxErrors, no throw', () => {
      const o = outliner.outline('a.ts', 'export function ok() { return 1; }\nfunction broken( {\n  return;\n');
      assert.equal(o.language, 'typescript');
      assert.equal(o.hasSyntaxErrors, true);
      assert.equal(o.parseError, undefined);
      assert.ok(labels(o).includes('function ok'), labels(o).join());
      const py = outliner.outline('a.py', 'def ok():\n    pass\n\ndef broken(:\n');
      assert.equal(py.hasSyntaxErrors, true);
      assert.ok(labels(py).includes('function ok'));
    });

    it('an unsupported extension gives language null and no symbols', () => {
      for (const path of ['README.md', 'Makefile', '.env', 'src/.ts', 'data.json', 'dir.ts/file']) {
        assert.deepEqual(outliner.outline(path, 'function f() {}'), { language: null, symbols: [], hasSyntaxErrors: false }, path);
      }
      assert.equal(outliner.outline('SRC/MAIN.TS', 'function f() {}').language, 'typescript');
    });

    it('a file over the size limit is skipped with a reason (UTF-8 bytes count)', async () => {
      const huge = 'export const x = 1;\n'.repeat(60_000); // 1.2 MB, over the 1 MiB default
      assert.deepEqual(outliner.outline('big.ts', huge), { language: 'typescript', symbols: [], skipped: 'tooLarge', hasSyntaxErrors: false });
      const small = await AstOutliner.create({ maxFileBytes: 100 });
      try {
        const accents = `const s = '${'é'.repeat(45)}';`; // 58 characters, 103 bytes
        assert.equal(small.outline('a.ts', accents).skipped, 'tooLarge');
        assert.equal(small.outline('a.ts', 'const s = 1;').symbols.length, 1);
      } finally {
        small.dispose();
      }
    });
  });
});
