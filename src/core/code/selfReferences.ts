import { type Node } from 'web-tree-sitter';
import { type TextCut } from './symbolHash';

/** Node types that are names in the supported grammars (`identifier`, `property_identifier`, Ruby's `constant`, PHP's `name`). */
const NAME_TYPE = /identifier$|^constant$|^name$/;

/**
 * The places in `[start, end)` of `node` where the code names one of `names` (a symbol's own name,
 * its containers'), outside `skip` (nested symbols, the declared name itself): a recursive call,
 * `this.poll()`, `new Foo()`. Each becomes a blank, so that a rename that renamed these too still
 * hashes as the same body. Strings and comments are not names, so they are left as they are.
 */
export function selfReferences(source: string, node: Node, start: number, end: number, names: ReadonlySet<string>, skip: readonly TextCut[]): TextCut[] {
  if (!mentionsAny(source, start, end, names, skip)) return [];
  const found: TextCut[] = [];
  const cursor = node.walk();
  try {
    for (;;) {
      const from = cursor.startIndex;
      const to = cursor.endIndex;
      const outside = to <= start || from >= end || skip.some((c) => from >= c.start && to <= c.end);
      const named = !outside && cursor.nodeIsNamed && NAME_TYPE.test(cursor.nodeType) && names.has(source.slice(from, to));
      if (named) found.push({ start: from, end: to, replacement: '\u0000' });
      else if (!outside && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return found;
    }
  } finally {
    cursor.delete();
  }
}

/** Whether one of `names` occurs in the text outside `skip` at all: most symbols never name themselves, and then no walk is needed. */
function mentionsAny(source: string, start: number, end: number, names: ReadonlySet<string>, skip: readonly TextCut[]): boolean {
  for (const name of names) {
    for (let at = source.indexOf(name, start); at >= 0 && at + name.length <= end; at = source.indexOf(name, at + 1)) {
      if (!skip.some((c) => at >= c.start && at < c.end)) return true;
    }
  }
  return false;
}
