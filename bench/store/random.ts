/** Seeded randomness and generated text for the W1 fixture: every byte follows from the seed. */

export type Rng = () => number;

/** mulberry32: small, fast, and good enough to pick lines, files and words reproducibly. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for one purpose (e.g. step 17's assistant text), so streams never depend on call order. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return (h ^ (h >>> 15)) >>> 0;
}

/** Integer in [lo, hi], both inclusive. */
export function intIn(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Distinct integers in [0, n), in the order drawn. */
export function sample(rng: Rng, n: number, k: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(k, n)) chosen.add(Math.floor(rng() * n));
  return [...chosen];
}

const SYLLABLES = [
  'al', 'an', 'ar', 'be', 'ca', 'co', 'de', 'di', 'en', 'er', 'es', 'fa', 'ge', 'ha', 'in', 'is', 'ka',
  'la', 'le', 'li', 'lo', 'ma', 'me', 'mo', 'na', 'ne', 'no', 'or', 'pa', 'pe', 'po', 'ra', 're', 'ri',
  'ro', 'sa', 'se', 'si', 'so', 'ta', 'te', 'ti', 'to', 'tu', 'un', 'ur', 've', 'vi', 'za', 'zo',
];

/**
 * Prose-like text: a 4,000-word invented vocabulary drawn with a Zipf law, sentences of 6-22 words,
 * some numbers and code identifiers. It compresses with deflate about as well as an assistant's
 * English does (the bench reports the measured ratio), so the store is not flattered by repetition.
 */
export class ProseGenerator {
  private readonly words: string[] = [];
  private readonly cumulative: number[] = [];

  constructor(seed: number, vocabulary = 4000) {
    const rng = makeRng(deriveSeed(seed, 0x70));
    const seen = new Set<string>();
    while (this.words.length < vocabulary) {
      let w = '';
      const n = this.words.length < 60 ? intIn(rng, 1, 2) : intIn(rng, 1, 4);
      for (let i = 0; i < n; i++) w += pick(rng, SYLLABLES);
      if (seen.has(w)) continue;
      seen.add(w);
      this.words.push(w);
    }
    let total = 0;
    for (let r = 0; r < vocabulary; r++) {
      total += 1 / (r + 1.5);
      this.cumulative.push(total);
    }
  }

  private word(rng: Rng): string {
    const x = rng() * (this.cumulative[this.cumulative.length - 1] ?? 1);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo] ?? 'the';
  }

  private token(rng: Rng): string {
    const r = rng();
    if (r < 0.04) return String(intIn(rng, 0, 99999));
    if (r < 0.07) return `\`fn_${this.word(rng)}${intIn(rng, 0, 99)}\``;
    if (r < 0.09) return `src/m${String(intIn(rng, 0, 19)).padStart(3, '0')}/f${String(intIn(rng, 0, 1999)).padStart(5, '0')}.ts`;
    return this.word(rng);
  }

  /** Exactly `length` characters (UTF-16 units; all ASCII, so also bytes). */
  text(rng: Rng, length: number): string {
    const parts: string[] = [];
    let n = 0;
    while (n < length) {
      const count = intIn(rng, 6, 22);
      const sentence: string[] = [];
      for (let i = 0; i < count; i++) sentence.push(this.token(rng));
      const first = sentence[0] ?? 'so';
      sentence[0] = first.charAt(0).toUpperCase() + first.slice(1);
      const s = sentence.join(' ') + (rng() < 0.15 ? ':\n' : rng() < 0.3 ? '.\n\n' : '. ');
      parts.push(s);
      n += s.length;
    }
    return parts.join('').slice(0, length);
  }
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
