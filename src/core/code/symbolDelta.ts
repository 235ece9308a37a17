import { type Outline, type SymbolInfo } from './outlineTypes';

/** A symbol present on both sides of a step. */
export interface SymbolPair {
  before: SymbolInfo;
  after: SymbolInfo;
}

/** What one step did to the symbols of one file. Every list is in document order of its side. */
export interface SymbolDelta {
  added: SymbolInfo[];
  removed: SymbolInfo[];
  /** Same qualified name and kind, different hash. */
  changed: SymbolPair[];
  /** Removed and added symbols of the same kind whose text differs only in their own name (and in their references to it). */
  renamed: SymbolPair[];
  /**
   * In place of `removed` when the file has syntax errors after: symbols the parser no longer finds,
   * which the errors may hide (an unclosed brace swallows everything after it) as much as the step removed them.
   */
  hidden?: SymbolInfo[];
  /** In place of `added` when the file had syntax errors before: symbols that may have been there, hidden by them. */
  surfaced?: SymbolInfo[];
}

/**
 * What a symbol is matched by: kind and qualified name. A Go method's receiver made a pointer
 * (`(Server).Start` to `(*Server).Start`) is the same method (Go allows no method of one name on both).
 */
const key = (s: SymbolInfo): string => `${s.kind}\u0000${s.name.startsWith('(*') ? `(${s.name.slice(2)}` : s.name}`;

/** Equal but for the name, or but for the name and the symbol's references to itself (absent: it has none). */
function sameBody(a: SymbolInfo, b: SymbolInfo): boolean {
  return a.bodyHash === b.bodyHash || (a.refsHash ?? a.bodyHash) === (b.refsHash ?? b.bodyHash);
}

/** True when the outline says nothing about the file's symbols (not parsed at all). */
function unparsed(outline: Outline): boolean {
  return outline.parseError !== undefined || outline.skipped !== undefined;
}

/**
 * The symbol changes from `before` to `after`. `null` stands for a file that does not exist on
 * that side (created: everything added; deleted: everything removed). Symbols match by qualified
 * name and kind; several symbols with the same name and kind (overloads, two `impl Foo` blocks,
 * a def in each branch of an `if`) match their unchanged twins first, then in order. An outline that was not parsed (`parseError` or `skipped`) cannot be compared
 * and gives an empty delta; one with syntax errors is compared as it is, except that what it lacks (`hidden`) or gained since one with errors (`surfaced`) is not called removed or added. Pure.
 */
export function symbolDelta(before: Outline | null, after: Outline | null): SymbolDelta {
  const delta: SymbolDelta = { added: [], removed: [], changed: [], renamed: [] };
  if ((before && unparsed(before)) || (after && unparsed(after))) return delta;

  const unmatched = new Map<string, SymbolInfo[]>();
  for (const symbol of before?.symbols ?? []) {
    const group = unmatched.get(key(symbol));
    if (group) group.push(symbol);
    else unmatched.set(key(symbol), [symbol]);
  }
  // Same name and kind: an unchanged one pairs with its twin first (another branch's `def parse`
  // added above it is an addition, not a change of every one after it), then the rest in order.
  const afterSymbols = after?.symbols ?? [];
  const pairedWith = new Map<SymbolInfo, SymbolInfo>();
  for (const symbol of afterSymbols) {
    const group = unmatched.get(key(symbol));
    const twin = group?.findIndex((s) => s.hash === symbol.hash) ?? -1;
    if (group && twin >= 0) pairedWith.set(symbol, group.splice(twin, 1)[0] as SymbolInfo);
  }
  const added: SymbolInfo[] = [];
  for (const symbol of afterSymbols) {
    if (pairedWith.has(symbol)) continue;
    const previous = unmatched.get(key(symbol))?.shift();
    if (!previous) added.push(symbol);
    else if (previous.hash !== symbol.hash) delta.changed.push({ before: previous, after: symbol });
  }
  const removed = (before?.symbols ?? []).filter((s) => unmatched.get(key(s))?.includes(s));

  for (const symbol of added) {
    const index = removed.findIndex((r) => r.kind === symbol.kind && sameBody(r, symbol));
    const original = index >= 0 ? removed.splice(index, 1)[0] : undefined;
    if (original) delta.renamed.push({ before: original, after: symbol });
    else delta.added.push(symbol);
  }
  delta.removed = removed;
  if (after?.hasSyntaxErrors && delta.removed.length) [delta.hidden, delta.removed] = [delta.removed, []];
  if (before?.hasSyntaxErrors && delta.added.length) [delta.surfaced, delta.added] = [delta.added, []];
  return delta;
}

/** `function \`parseConfig\``, or just `` `impl Foo` `` when the name already says what it is. */
function label(symbol: SymbolInfo): string {
  return symbol.name.startsWith(`${symbol.kind} `) ? `\`${symbol.name}\`` : `${symbol.kind} \`${symbol.name}\``;
}

/**
 * One line per change, for timelines and step summaries: `changed function \`parseConfig\` in
 * src/config.ts`, `added class \`Cache\` in src/cache.ts`, `renamed function \`a\` to \`b\` in
 * x.ts`. Changed first, then added, removed, renamed, then one line for the symbols syntax errors
 * may hide (`function \`c\` in x.ts not found: removed, or hidden by its syntax errors`).
 */
export function describeDelta(path: string, delta: SymbolDelta): string[] {
  const { shown, members } = foldMembers(delta.renamed);
  return [
    ...delta.changed.map(({ before, after }) => `changed ${label(after)} in ${path}${before.name !== after.name ? ` (was \`${before.name}\`)` : ''}`),
    ...delta.added.map((s) => `added ${label(s)} in ${path}`),
    ...delta.removed.map((s) => `removed ${label(s)} in ${path}`),
    ...shown.map((p) => `renamed ${label(p.before)} to \`${p.after.name}\` in ${path}${withMembers(members.get(p) ?? 0)}`),
    ...(delta.hidden?.length ? [`${labels(delta.hidden)} in ${path} not found: removed, or hidden by its syntax errors`] : []),
    ...(delta.surfaced?.length ? [`${labels(delta.surfaced)} in ${path} found: added, or hidden before by its syntax errors`] : []),
  ];
}

const LISTED = 5;

/** `function \`a\`, function \`b\` and 3 more`. */
function labels(symbols: readonly SymbolInfo[]): string {
  const shown = symbols.slice(0, LISTED).map(label).join(', ');
  return symbols.length > LISTED ? `${shown} and ${symbols.length - LISTED} more` : shown;
}

/**
 * Renames that only follow their container's (`Foo.make` to `Bar.make` when class `Foo` became
 * `Bar`) are said with it, counted; a member renamed in its own right is still said.
 */
function foldMembers(renamed: readonly SymbolPair[]): { shown: SymbolPair[]; members: Map<SymbolPair, number> } {
  const members = new Map<SymbolPair, number>();
  const shown = renamed.filter((p) => {
    const container = renamed.find((c) => c !== p && followsContainer(c, p));
    if (container) members.set(container, (members.get(container) ?? 0) + 1);
    return !container;
  });
  return { shown, members };
}

/** `member` is `container`'s before name and after name, each with the same member name after a dot. */
function followsContainer(container: SymbolPair, member: SymbolPair): boolean {
  const [b, a] = [`${container.before.name}.`, `${container.after.name}.`];
  return member.before.name.startsWith(b) && member.after.name.startsWith(a) && member.before.name.slice(b.length) === member.after.name.slice(a.length);
}

const withMembers = (n: number): string => (n === 0 ? '' : n === 1 ? ' (with its member)' : ` (with its ${n} members)`);
