import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol outlines: Rust extern blocks', () => {
  const { outliner, delta } = deltaSuite();
  const ffi = 'extern "C" {\n    fn compress(src: *const u8, len: usize) -> i32;\n    static VERSION: i32;\n}\n\nfn main() {}\n';

  it('the functions and statics an `extern "C" { … }` block declares are symbols of the file', () => {
    const symbols = outliner().outline('a.rs', ffi).symbols.map((s) => `${s.kind} ${s.name} ${s.startLine}-${s.endLine}`);
    assert.deepEqual(symbols, ['function compress 2-2', 'variable VERSION 3-3', 'function main 6-6']);
  });

  it('a step that changes a foreign function\'s signature says so', () => {
    assert.deepEqual(delta('a.rs', ffi, ffi.replace('len: usize', 'len: u64')), ['changed function `compress` in a.rs']);
  });
});
