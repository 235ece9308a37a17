import { type Node } from 'web-tree-sitter';
import { type SymbolInfo } from './outlineTypes';
import { selfReferences } from './selfReferences';
import { type TextCut, hashText, normalizeSymbolText } from './symbolHash';
import { type LanguageSpec, type SymbolKind, type SymbolRule, byNameField } from './symbolRules';

/** Containers whose functions are methods. */
const METHOD_CONTAINERS: ReadonlySet<string> = new Set(['class', 'struct', 'union', 'interface', 'trait', 'impl', 'enum']);
/** Containers that still count as top level for `topLevelOnly` rules. */
const TOP_LEVEL_CONTAINERS: ReadonlySet<string> = new Set(['module', 'namespace']);

interface Parent {
  name: string;
  kind: SymbolKind;
  /** The names it and its containers are declared with (`Foo` for `Foo.make`): references to them are blanked in `bodyHash`. */
  declaredNames: readonly string[];
}

interface Walk {
  spec: LanguageSpec;
  source: string;
  out: SymbolInfo[];
}

/**
 * The symbols of a parsed file, in document order (a container before its members). Pure: reads
 * the tree and the source it was parsed from, and nothing else.
 */
export function walkSymbols(root: Node, spec: LanguageSpec, source: string): SymbolInfo[] {
  const walk: Walk = { spec, source, out: [] };
  visitContainer(walk, root, null);
  return walk.out;
}

/** The last row a node really covers (a node ending with its newline ends at column 0 of the next). */
function lastRow(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

function isLeading(node: Node, spec: LanguageSpec): boolean {
  return node.type.endsWith('comment') || (spec.leading?.includes(node.type) ?? false);
}

/**
 * Visits the declarations directly inside `container`. Comments (and `leading` nodes) on their own
 * lines right above a declaration belong to it. Returns the text ranges the symbols took, which
 * the parent cuts out of its own hash.
 */
function visitContainer(walk: Walk, container: Node, outerParent: Parent | null, leadIn: Lead | null = null): TextCut[] {
  const cuts: TextCut[] = [];
  let parent = outerParent;
  let lead: Lead | null = leadIn;
  let previousRow = -1;
  // Whether the child before this one was part of `lead`: `@a() @b()` or `#[a] #[b]` share a line.
  let inLead = false;
  for (const child of container.namedChildren) {
    if (isLeading(child, walk.spec)) {
      const ownLine = child.startPosition.row > previousRow;
      if (!ownLine && !(inLead && lead)) lead = null;
      else if (lead && child.startPosition.row <= lead.lastRow + 1) lead.lastRow = lastRow(child);
      else lead = { start: child.startIndex, lastRow: lastRow(child) };
      inLead = lead !== null;
    } else {
      inLead = false;
      const attached = lead !== null && child.startPosition.row <= lead.lastRow + 1;
      const start = attached && lead ? lead.start : child.startIndex;
      const at = walk.out.length;
      if (visitDeclaration(walk, child, start, parent)) {
        cuts.push(memberCut(walk.source, child, start));
        parent = lookup(walk.spec.rules, child.type)?.opensScope ? scopeOf(walk.out[at], child, parent) : parent;
      }
      else for (const block of lookup(walk.spec.transparent, child.type)?.(child) ?? []) cuts.push(...visitContainer(walk, block, parent, leadBefore(walk, block)));
      lead = null;
    }
    previousRow = lastRow(child);
  }
  return cuts;
}

/** The container a scope-opening declaration (`namespace N;`) makes of the rest of the file. */
function scopeOf(symbol: SymbolInfo | undefined, node: Node, parent: Parent | null): Parent | null {
  if (!symbol) return parent;
  const nameNode = node.childForFieldName('name');
  return { name: symbol.name, kind: symbol.kind as SymbolKind, declaredNames: [...(parent?.declaredNames ?? []), ...(nameNode ? [nameNode.text] : [])] };
}

interface Lead {
  start: number;
  lastRow: number;
}

/**
 * The comments on their own lines right above a block (the grammar may hang them on the statement
 * or declaration that owns the block, as Python's does under `if X:` and `class A:`): the lead of
 * the block's first declaration, as comments above its second one are.
 */
function leadBefore(walk: Walk, block: Node): Lead | null {
  let start = -1;
  let last = -1;
  let nextRow = block.startPosition.row;
  for (let prev = block.previousNamedSibling; prev && isLeading(prev, walk.spec); prev = prev.previousNamedSibling) {
    const before = prev.previousSibling;
    // Only comments on lines of their own, with no blank line between them and what follows.
    if ((before && before.endPosition.row === prev.startPosition.row) || lastRow(prev) + 1 < nextRow) break;
    if (last < 0) last = lastRow(prev);
    start = prev.startIndex;
    nextRow = prev.startPosition.row;
  }
  return start < 0 ? null : { start, lastRow: last };
}

/**
 * What a member takes out of its container's text. The indentation before it goes with it, so
 * removing `m() {}` from `class A { m() {} }` leaves `class A { }` whether the members were on one
 * line or many; so does a `;` the grammar leaves outside the declaration (C++ `struct S {…};`),
 * and the `,` after a member of an object (`module.exports = { parse() {}, load() {} }`).
 */
function memberCut(source: string, member: Node, start: number): TextCut {
  let cutStart = start;
  while (cutStart > 0 && (source[cutStart - 1] === ' ' || source[cutStart - 1] === '\t')) cutStart--;
  const next = member.nextSibling;
  const end = next && !next.isNamed && (next.type === ';' || next.type === ',') ? next.endIndex : member.endIndex;
  return { start: cutStart, end, replacement: '' };
}

/** Own properties only: a node type must not find `Object.prototype` members. */
function lookup<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Follows wrappers (`export`, decorators) to the declaration they hold. */
function unwrap(node: Node, spec: LanguageSpec): Node | null {
  let target: Node | null = node;
  while (target) {
    const wrapper: ((n: Node) => Node | null) | undefined = lookup(spec.wrappers, target.type);
    if (!wrapper) return target;
    target = wrapper(target);
  }
  return null;
}

function ruleKind(rule: SymbolRule, node: Node): SymbolKind {
  return typeof rule.kind === 'function' ? rule.kind(node) : rule.kind;
}

function bodyOf(rule: SymbolRule, node: Node): Node | null {
  if (rule.body === undefined) return null;
  return typeof rule.body === 'string' ? node.childForFieldName(rule.body) : rule.body(node);
}

/** Records the symbols `outer` declares; true when it declared any. */
function visitDeclaration(walk: Walk, outer: Node, hashStart: number, parent: Parent | null): boolean {
  const target = unwrap(outer, walk.spec);
  const rule = target ? lookup(walk.spec.rules, target.type) : undefined;
  if (!target || !rule) return false;
  if (rule.topLevelOnly && parent && !TOP_LEVEL_CONTAINERS.has(parent.kind)) return false;
  const names = (rule.names ?? byNameField)(target);
  for (const declared of names) {
    let kind = declared.kind ?? ruleKind(rule, target);
    if (kind === 'function' && parent && METHOD_CONTAINERS.has(parent.kind)) kind = 'method';
    const name = parent ? `${parent.name}.${declared.name}` : declared.name;
    const index = walk.out.length;
    walk.out.push({ name, kind, startLine: 0, endLine: 0, hash: '', bodyHash: '' });

    const nameNode = declared.nameNode;
    const declaredNames = [...(parent?.declaredNames ?? []), ...(nameNode ? [nameNode.text] : [])];
    const body = names.length === 1 ? bodyOf(rule, target) : null;
    const nested = body ? visitContainer(walk, body, { name, kind, declaredNames }, leadBefore(walk, body)) : [];
    const span = declared.span ?? outer;
    // A symbol that shares its declaration with others hashes the whole of it minus theirs.
    const whole = !declared.span || declared.others !== undefined;
    const start = whole ? hashStart : span.startIndex;
    const end = whole ? outer.endIndex : span.endIndex;
    const own = mergeCuts(nested, (declared.others ?? []).map((r) => ({ ...r, replacement: '' })));
    const blanked: TextCut[] =
      nameNode && nameNode.startIndex >= start && nameNode.endIndex <= end
        ? [{ start: nameNode.startIndex, end: nameNode.endIndex, replacement: '\u0000' }]
        : [];
    // A rename usually renames the symbol's references to itself (a recursive call, `new Foo()` in Foo's method) too.
    const refs = selfReferences(walk.source, outer, start, end, new Set(declaredNames), mergeCuts(own, blanked));
    const bodyHash = hashText(normalizeSymbolText(walk.source, start, end, mergeCuts(own, blanked)));
    walk.out[index] = {
      name,
      kind,
      startLine: span.startPosition.row + 1,
      endLine: lastRow(span) + 1,
      hash: hashText(normalizeSymbolText(walk.source, start, end, own)),
      bodyHash,
      ...(refs.length ? { refsHash: hashText(normalizeSymbolText(walk.source, start, end, mergeCuts(mergeCuts(own, blanked), refs))) } : {}),
    };
  }
  return names.length > 0;
}

function mergeCuts(a: readonly TextCut[], b: readonly TextCut[]): TextCut[] {
  if (b.length === 0) return [...a];
  return [...a, ...b].sort((x, y) => x.start - y.start);
}
