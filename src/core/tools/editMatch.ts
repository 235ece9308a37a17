/** Where `needle` occurs in `text`, exactly and non-overlapping, as start offsets. */
export function findAll(text: string, needle: string): number[] {
  const at: number[] = [];
  if (needle === '') return at;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

/** `text` with every whitespace run collapsed to one space, and for each kept char its offset in `text`. */
function collapse(text: string): { norm: string; map: number[] } {
  let norm = '';
  const map: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      if (!inSpace) {
        norm += ' ';
        map.push(i);
      }
      inSpace = true;
    } else {
      norm += ch;
      map.push(i);
      inSpace = false;
    }
  }
  return { norm, map };
}

/**
 * Offsets in `text` where `needle` occurs when whitespace differences (indentation, line breaks,
 * trailing spaces) are ignored. Used only to hint at a near miss, never to edit.
 */
export function findIgnoringWhitespace(text: string, needle: string): number[] {
  const n = collapse(needle).norm.trim();
  if (n === '') return [];
  const { norm, map } = collapse(text);
  return findAll(norm, n).map((i) => map[i] as number);
}

/** Replaces the occurrences at `at` (sorted, non-overlapping, each `len` long) by `replacement`, literally. */
export function spliceAll(text: string, at: readonly number[], len: number, replacement: string): string {
  let out = '';
  let prev = 0;
  for (const i of at) {
    out += text.slice(prev, i) + replacement;
    prev = i + len;
  }
  return out + text.slice(prev);
}
