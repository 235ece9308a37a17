import assert from 'node:assert/strict';
import { applyDelta, decodeBlob, encodeDelta, encodeFull, hashBlob } from '../../../src/core/store/blobFormat';

/** The delta a byte-by-byte scan gives: common prefix, then common suffix of what is left. */
function naive(content: Uint8Array, base: Uint8Array): { start: number; deleteLength: number; insert: number[] } {
  const max = Math.min(content.length, base.length);
  let p = 0;
  while (p < max && content[p] === base[p]) p++;
  let s = 0;
  while (s < max - p && content[content.length - 1 - s] === base[base.length - 1 - s]) s++;
  return { start: p, deleteLength: base.length - p - s, insert: [...content.subarray(p, content.length - s)] };
}

describe('blob format: deltas', () => {
  it('finds the same single hunk as a byte-by-byte scan, and applies back to the content, on 3,000 random edits', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      // Few distinct bytes, so that the ends of the hunk often match by chance.
      const base = Uint8Array.from({ length: rand(400) }, () => 97 + rand(3));
      const at = rand(base.length + 1);
      const cut = rand(base.length - at + 1);
      const added = Uint8Array.from({ length: rand(i % 7 === 0 ? 300 : 12) }, () => 97 + rand(3));
      const content = new Uint8Array([...base.subarray(0, at), ...added, ...base.subarray(at + cut)]);
      // As plain Uint8Arrays and as Buffers on an offset into a larger allocation.
      const pad = Buffer.alloc(content.length + base.length + 16, 1);
      const asBuffers = i % 2 === 0;
      const c = asBuffers ? Buffer.from(pad.buffer, pad.byteOffset + 3, content.length) : content;
      if (asBuffers) c.set(content);
      const b = asBuffers ? Uint8Array.from(base) : base;
      const encoded = encodeDelta(c, b, hashBlob(b), 0);
      if (!encoded) continue;
      const d = decodeBlob(encoded);
      assert.equal(d.kind, 'delta');
      if (d.kind !== 'delta') continue;
      const want = naive(content, base);
      assert.deepEqual({ start: d.start, deleteLength: d.deleteLength, insert: [...d.insert] }, want, `edit ${i}`);
      assert.deepEqual([...applyDelta(base, d)], [...content], `edit ${i} applies back`);
      checked++;
    }
    assert.ok(checked > 1500, `${checked} deltas checked`);
  });

  it('identical contents give an empty hunk; a delta is refused past the depth limit or when it is not worth it', () => {
    const text = new TextEncoder().encode('same text\n'.repeat(50));
    const d = decodeBlob(encodeDelta(text, text, hashBlob(text), 0)!);
    assert.ok(d.kind === 'delta' && d.insert.length === 0 && d.deleteLength === 0 && d.start === text.length);
    assert.equal(encodeDelta(text, text, hashBlob(text), 24), undefined);
    assert.equal(encodeDelta(text, new Uint8Array(0), hashBlob(new Uint8Array(0)), 0), undefined);
    assert.equal(decodeBlob(encodeFull(text)).kind, 'full');
  });
});
