import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol deltas: a rename that also renames the symbol\'s references to itself', () => {
  const { delta } = deltaSuite();

  it('typescript: a recursive function renamed with its recursive call is a rename', () => {
    const before = 'export function fact(n: number): number {\n  return n <= 1 ? 1 : n * fact(n - 1);\n}\n';
    assert.deepEqual(delta('a.ts', before, before.replaceAll('fact', 'factorial')), ['renamed function `fact` to `factorial` in a.ts']);
  });

  it('typescript: a method renamed with its this.call to itself, and a class whose member says new Foo()', () => {
    const method = 'class A {\n  poll() {\n    setTimeout(() => this.poll(), 10);\n  }\n}\n';
    assert.deepEqual(delta('a.ts', method, method.replaceAll('poll', 'tick')), ['renamed method `A.poll` to `A.tick` in a.ts']);
    const cls = 'class Foo {\n  static make() {\n    return new Foo();\n  }\n}\n';
    assert.deepEqual(delta('a.ts', cls, cls.replaceAll('Foo', 'Bar')), ['renamed class `Foo` to `Bar` in a.ts (with its member)']);
  });

  it('python, go and rust: recursive functions', () => {
    const py = 'def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\n';
    assert.deepEqual(delta('a.py', py, py.replaceAll('fact', 'factorial')), ['renamed function `fact` to `factorial` in a.py']);
    const go = 'package p\n\nfunc Fib(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn Fib(n-1) + Fib(n-2)\n}\n';
    assert.deepEqual(delta('a.go', go, go.replaceAll('Fib', 'Fibonacci')), ['renamed function `Fib` to `Fibonacci` in a.go']);
    const rs = 'fn fib(n: u64) -> u64 {\n    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }\n}\n';
    assert.deepEqual(delta('a.rs', rs, rs.replaceAll('fib', 'fibo')), ['renamed function `fib` to `fibo` in a.rs']);
  });

  it('the name in a string or a comment is not a reference: changing only the name there is still a change', () => {
    const before = 'function load() {\n  log("load");\n  return 1;\n}\n';
    // The string kept its old text: the function was renamed and its body changed (the log now names another function).
    assert.deepEqual(delta('a.ts', before, before.replace('function load', 'function read')), ['renamed function `load` to `read` in a.ts']);
    assert.deepEqual(delta('a.ts', before, before.replace('"load"', '"read"').replace('function load', 'function read')), [
      'added function `read` in a.ts',
      'removed function `load` in a.ts',
    ]);
  });

  it('a local of the same name that the rename kept is still a rename', () => {
    const before = 'function value(x: number) {\n  const value = x * 2;\n  return value;\n}\n';
    assert.deepEqual(delta('a.ts', before, before.replace('function value', 'function doubled')), ['renamed function `value` to `doubled` in a.ts']);
  });

  it('a call to another function renamed the same way is a change, not a rename', () => {
    const before = 'function a() {\n  return b();\n}\n';
    assert.deepEqual(delta('a.ts', before, 'function c() {\n  return d();\n}\n'), ['added function `c` in a.ts', 'removed function `a` in a.ts']);
  });
});
