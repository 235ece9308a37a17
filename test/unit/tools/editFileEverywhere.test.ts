import assert from 'node:assert/strict';
import { locate, replaced, replacedEverywhereInLine } from '../../../src/core/tools/editFile';

/** A seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * replace_all of a text within one line by one without line breaks takes a shorter way (split and
 * join, no span per occurrence: millions of them kept the extension host busy for seconds). It must
 * give exactly what the general way gives: line ends, a BOM, the final line break, overlapping
 * candidates (`aa` in `aaa`).
 */
describe('edit_file replace_all within a line: the short way equals the general one', () => {
  it('on 5,000 seeded texts of a, b, spaces, CR, LF and BOMs', () => {
    const next = random(7);
    const pick = (alphabet: readonly string[], n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    let compared = 0;
    for (let i = 0; i < 5000; i++) {
      const text = (next() < 0.3 ? '\uFEFF' : '') + pick(['a', 'b', ' ', '\n', '\r\n', '\r', 'ab'], Math.floor(next() * 30));
      const oldText = pick(['a', 'b', ' ', 'ab', '\uFEFF'], 1 + Math.floor(next() * 3));
      const newText = pick(['', 'x', 'a', 'yy', '\uFEFF', '$&', '$$', '$1'], Math.floor(next() * 3));
      if (oldText === newText) continue;
      const short = replacedEverywhereInLine(text, oldText, newText);
      const spans = locate(text, oldText, true);
      if (spans.length === 0) {
        assert.equal(short, undefined, JSON.stringify({ text, oldText }));
        continue;
      }
      assert.equal(short, replaced(text, spans, newText), JSON.stringify({ text, oldText, newText }));
      compared++;
    }
    assert.ok(compared > 1000, `${compared} edits compared`);
  });

  it('is not taken when either text has a line break', () => {
    assert.equal(replacedEverywhereInLine('a\nb\n', 'a\n', 'c'), undefined);
    assert.equal(replacedEverywhereInLine('a\nb\n', 'a', 'c\n'), undefined);
    assert.equal(replacedEverywhereInLine('a\r\nb', 'a\r', 'c'), undefined);
  });
});
