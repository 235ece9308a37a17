/**
 * What a file tool keeps of a text file it rewrites: its line ends (CRLF or LF), its byte order
 * mark and its final line break. The model writes LF and is careless about the last
 * line; a Windows file turned LF, or a file that lost its final newline, is a diff of every line
 * (or of the last one) the user never asked for.
 */

export type Eol = '\n' | '\r\n';

const BOM = '\uFEFF';

/** The line end most of `text`'s lines end with (CRLF on a tie); undefined when it has no line break. */
export function dominantEol(text: string): Eol | undefined {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  if (crlf + lf === 0) return undefined;
  return crlf >= lf ? '\r\n' : '\n';
}

/** The line end of the text `region` replaced: its own when it holds one, else the file's (`fileEol`). */
export function eolOfRegion(region: string, fileEol: () => Eol): Eol {
  if (region.includes('\r\n')) return '\r\n';
  if (region.includes('\n')) return '\n';
  return fileEol();
}

/** `text` with every line break (CRLF or LF) written as `eol`. */
export function withEol(text: string, eol: Eol): string {
  return eol === '\n' ? text.replace(/\r\n/g, '\n') : text.replace(/\r?\n/g, '\r\n');
}

export function endsWithEol(text: string): boolean {
  return text.endsWith('\n');
}

/**
 * `result` (what `original` became) with `original`'s final line break: added back when the result
 * lost it. `absenceToo`: a final line break the original did not have is removed as well. An empty
 * result, or one that is only a BOM, is left as is.
 */
export function keepFinalEol(original: string, result: string, absenceToo: boolean): string {
  const body = result.startsWith(BOM) ? result.slice(1) : result;
  if (body === '' || (original.startsWith(BOM) ? original.slice(1) : original) === '') return result;
  const had = endsWithEol(original);
  if (had && !endsWithEol(result)) return result + (original.endsWith('\r\n') ? '\r\n' : '\n');
  if (absenceToo && !had && endsWithEol(result)) return result.slice(0, result.endsWith('\r\n') ? -2 : -1);
  return result;
}

/**
 * `result` (what `original` became) starting with one BOM when `original` started with one: the
 * model copies the BOM read_file shows into old_text and leaves it out of new_text, or adds one.
 */
export function keepBom(original: string, result: string): string {
  if (!original.startsWith(BOM)) return result;
  if (!result.startsWith(BOM)) return BOM + result;
  return result.startsWith(BOM + BOM) && !original.startsWith(BOM + BOM) ? result.slice(1) : result;
}

/**
 * New contents for a file that held `before` (valid UTF-8 text), given as `content` by the model:
 * the file's BOM kept, its line ends kept when it used CRLF and the content uses LF only, and its
 * final line break (or its absence) kept: a whole file's last line break is the model's habit, not
 * its intent (edit_file adds a missing one).
 */
export function likeBefore(before: string, content: string): string {
  let out = content;
  if (dominantEol(before) === '\r\n' && !out.includes('\r\n')) out = withEol(out, '\r\n');
  return keepFinalEol(before, keepBom(before, out), true);
}
