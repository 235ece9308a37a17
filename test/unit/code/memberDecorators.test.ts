import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol deltas: decorators and attributes above a member', () => {
  const { delta } = deltaSuite();

  it('typescript: a decorator above a method is part of the method, not of its class', () => {
    const before = 'class A {\n  @Get("/a")\n  list() {\n    return 1;\n  }\n\n  @Post("/a")\n  create() {\n    return 2;\n  }\n}\n';
    assert.deepEqual(delta('a.ts', before, before.replace('@Get("/a")', '@Get("/b")')), ['changed method `A.list` in a.ts']);
    assert.deepEqual(delta('a.ts', before, before.replace('@Post("/a")', '@Post("/b")')), ['changed method `A.create` in a.ts']);
  });

  it('typescript: several decorators, on one line or on their own lines, all go with the method', () => {
    const before = 'class A {\n  @a() @b()\n  m() {}\n  @c()\n  @d()\n  n() {}\n  @e() o() {}\n}\n';
    assert.deepEqual(delta('a.ts', before, before.replace('@b()', '@b(1)')), ['changed method `A.m` in a.ts']);
    assert.deepEqual(delta('a.ts', before, before.replace('@c()', '@c(1)')), ['changed method `A.n` in a.ts']);
    assert.deepEqual(delta('a.ts', before, before.replace('@e()', '@e(1)')), ['changed method `A.o` in a.ts']);
  });

  it('typescript: removing a method takes its decorator with it, leaving the class unchanged', () => {
    const before = 'class A {\n  @a()\n  m() {}\n  n() {}\n}\n';
    assert.deepEqual(delta('a.ts', before, 'class A {\n  n() {}\n}\n'), ['removed method `A.m` in a.ts']);
  });

  it('rust: two attributes on one line above a method belong to it', () => {
    const before = 'impl A {\n    #[inline] #[must_use]\n    fn f() -> u8 {\n        1\n    }\n}\n';
    assert.deepEqual(delta('a.rs', before, before.replace('#[must_use]', '#[must_use = "why"]')), ['changed method `impl A.f` in a.rs']);
  });
});
