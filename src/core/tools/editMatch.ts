/** A stretch of a text, as offsets: `start` inclusive, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Where `needle` occurs in `text`, as start offsets. Non-overlapping by default; `overlapping`
 * counts every start (`aa` occurs twice in `aaa`), which is what tells an edit it is ambiguous.
 * At most `max` offsets, the first ones.
 */
export function findAll(text: string, needle: string, overlapping = false, max = Infinity): number[] {
  const at: number[] = [];
  if (needle === '') return at;
  const step = overlapping ? 1 : needle.length;
  for (let i = text.indexOf(needle); i !== -1 && at.length < max; i = text.indexOf(needle, i + step)) at.push(i);
  return at;
}

/**
 * Where `needle` occurs in `text` when a CRLF and an LF are taken as the same line end, as spans
 * of `text` (a CRLF is wholly inside or outside a span). The model writes LF; files edited on
 * Windows, or mixed ones, have CRLF in some or all places. At most `max` spans, the first ones.
 */
export function findLooseEol(text: string, needle: string, overlapping = false, max = Infinity): Span[] {
  const view = text.replace(/\r\n/g, '\n');
  const want = needle.replace(/\r\n/g, '\n');
  // Where each removed CR stood in the view: just before the LF it preceded.
  const crs: number[] = [];
  for (let i = text.indexOf('\r\n'), k = 0; i !== -1; i = text.indexOf('\r\n', i + 2), k++) crs.push(i - k);
  /** The offset in `text` of view offset `v`: a CR before the LF at `v` belongs to what starts there. */
  const raw = (v: number) => v + countBelow(crs, v);
  return findAll(view, want, overlapping, max).map((v) => ({ start: raw(v), end: raw(v + want.length) }));
}

/** How many of the sorted `xs` are below `v`. */
function countBelow(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Offsets in `text` where `needle` occurs when whitespace differences (indentation, line breaks,
 * trailing spaces) are ignored: a run of whitespace in one matches any run in the other. Used only
 * to hint at a near miss, never to edit; at most `max` offsets. One linear regular expression (the
 * needle's words, escaped, joined by \s+): no copy of the file, whatever its size.
 */
export function findIgnoringWhitespace(text: string, needle: string, max = 100): number[] {
  const words = needle.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [];
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'g');
  const at: number[] = [];
  for (let m = re.exec(text); m !== null && at.length < max; m = re.exec(text)) at.push(m.index);
  return at;
}

/** Replaces each of `spans` (sorted, non-overlapping) by what `replacement` gives for it, literally. */
export function spliceSpans(text: string, spans: readonly Span[], replacement: (s: Span) => string): string {
  let out = '';
  let prev = 0;
  for (const s of spans) {
    out += text.slice(prev, s.start) + replacement(s);
    prev = s.end;
  }
  return out + text.slice(prev);
}

/** Replaces the occurrences at `at` (sorted, non-overlapping, each `len` long) by `replacement`, literally. */
export function spliceAll(text: string, at: readonly number[], len: number, replacement: string): string {
  return spliceSpans(
    text,
    at.map((i) => ({ start: i, end: i + len })),
    () => replacement,
  );
}
