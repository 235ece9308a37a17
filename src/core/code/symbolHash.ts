import { createHash } from 'node:crypto';

/** A piece of a symbol's text replaced before hashing (a nested symbol, or the symbol's name). */
export interface TextCut {
  start: number;
  end: number;
  replacement: string;
}

/**
 * The text a symbol hash covers. The rule: only layout that cannot change meaning in any
 * supported language is ignored —
 * - line endings (CRLF, CR, LF) and trailing whitespace,
 * - blank lines,
 * - indentation shared by every line of the symbol (moving a whole symbol into or out of a
 *   namespace or class is not a change).
 * Changing indentation *inside* a symbol, spacing within a line, or comments is a change: in
 * Python relative indentation is syntax, and one rule for every language keeps hashes comparable.
 *
 * `start`/`end` index `source` (UTF-16, as tree-sitter reports them); `cuts` must lie inside
 * that range, sorted and non-overlapping.
 */
export function normalizeSymbolText(source: string, start: number, end: number, cuts: readonly TextCut[]): string {
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const before = source.slice(lineStart, start);
  let text = /^[ \t]*$/.test(before) ? before : '';
  let at = start;
  for (const cut of cuts) {
    text += source.slice(at, cut.start) + cut.replacement;
    at = cut.end;
  }
  text += source.slice(at, end);

  const lines: string[] = [];
  let indent = Number.POSITIVE_INFINITY;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trimEnd();
    if (line === '') continue;
    indent = Math.min(indent, line.length - line.trimStart().length);
    lines.push(line);
  }
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** First 16 hex characters (64 bits) of the SHA-256 of `text`. */
export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
