import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol outlines: TypeScript `declare global`', () => {
  const { outliner, delta } = deltaSuite();
  const dts = 'export {};\n\ndeclare global {\n  interface Window {\n    savepoint: number;\n  }\n  function track(name: string): void;\n}\n';

  it('what a `declare global { … }` block declares are symbols, in a namespace `global`', () => {
    const symbols = outliner().outline('types.d.ts', dts).symbols.map((s) => `${s.kind} ${s.name} ${s.startLine}-${s.endLine}`);
    assert.deepEqual(symbols, ['namespace global 3-8', 'interface global.Window 4-6', 'function global.track 7-7']);
  });

  it('a step that changes a global augmentation says which', () => {
    assert.deepEqual(delta('types.d.ts', dts, dts.replace('savepoint: number', 'savepoint: string')), ['changed interface `global.Window` in types.d.ts']);
  });
});
