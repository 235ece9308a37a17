import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol deltas: a Go receiver made a pointer, and the members of a renamed container', () => {
  const { delta } = deltaSuite();

  it('go: a method whose receiver becomes a pointer is the same method, changed', () => {
    const value = 'package p\n\ntype Server struct{ n int }\n\nfunc (s Server) Start() int {\n\treturn s.n\n}\n';
    const pointer = value.replace('func (s Server)', 'func (s *Server)');
    assert.deepEqual(delta('a.go', value, pointer), ['changed method `(*Server).Start` in a.go (was `(Server).Start`)']);
    assert.deepEqual(delta('a.go', pointer, value), ['changed method `(Server).Start` in a.go (was `(*Server).Start`)']);
    // Another method on the pointer is still an addition.
    const more = `${pointer}\nfunc (s *Server) Stop() {}\n`;
    assert.deepEqual(delta('a.go', pointer, more), ['added method `(*Server).Stop` in a.go']);
  });

  it('a renamed class: its members renamed with it are said once, with the class', () => {
    const cls = 'class Foo {\n  static make() {\n    return new Foo();\n  }\n  run() {\n    return 2;\n  }\n}\n';
    assert.deepEqual(delta('a.ts', cls, cls.replaceAll('Foo', 'Bar')), ['renamed class `Foo` to `Bar` in a.ts (with its 2 members)']);
    // A member renamed too is still said.
    assert.deepEqual(delta('a.ts', cls, cls.replaceAll('Foo', 'Bar').replace('run()', 'go()')), ['renamed class `Foo` to `Bar` in a.ts (with its member)', 'renamed method `Foo.run` to `Bar.go` in a.ts']);
  });

  it('python: a renamed class with one method', () => {
    const py = 'class Foo:\n    def make(self):\n        return 1\n';
    assert.deepEqual(delta('a.py', py, py.replace('class Foo', 'class Bar')), ['renamed class `Foo` to `Bar` in a.py (with its member)']);
  });
});
