import { type Node } from 'web-tree-sitter';

/** What a symbol is. Functions declared inside a class-like symbol are reported as `method`. */
export type SymbolKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'struct'
  | 'union'
  | 'trait'
  | 'impl'
  | 'module'
  | 'namespace'
  | 'constant'
  | 'variable'
  | 'property'
  | 'macro';

/** One symbol declared by a node. A declaration such as `const a = 1, b = 2` declares several. */
export interface SymbolName {
  name: string;
  /** The node whose text is the symbol (defaults to the declaring node with its wrappers). */
  span?: Node;
  /** The identifier, blanked out of the rename-detection hash. */
  nameNode?: Node | null;
  /** Overrides the rule's kind (Go `type X struct` is a struct, `type X int` a type). */
  kind?: SymbolKind;
  /**
   * The parts of the declaration that belong to other symbols (the other declarators of
   * `export const a = 1, b = 2`). When set, the hash covers the whole declaration with these cut
   * out, so its head (`export const`, the comments above) and its `;` are part of every symbol.
   */
  others?: readonly TextRange[];
}

/** A range of UTF-16 indexes into the source, as tree-sitter reports them. */
export interface TextRange {
  start: number;
  end: number;
}

/** How one node type of a grammar becomes symbols. */
export interface SymbolRule {
  kind: SymbolKind | ((node: Node) => SymbolKind);
  /** Symbols declared by the node; default: the text of its `name` field. Empty: not a symbol. */
  names?: (node: Node) => SymbolName[];
  /** Where nested symbols live (class body, impl block, namespace): a field name or a finder. */
  body?: string | ((node: Node) => Node | null);
  /** Only a symbol in a file, module or namespace, never inside a class (module-level variables). */
  topLevelOnly?: boolean;
  /** It holds the rest of its container (C#'s `namespace N;`): the declarations after it are its members. */
  opensScope?: boolean;
}

/**
 * Everything the walker needs to know about one language. Grammar node types not listed are not
 * symbols, and the walker looks for nested symbols only inside a rule's `body`, so declarations
 * inside function bodies are part of their function, not symbols of their own.
 */
export interface LanguageSpec {
  /** Stable language id recorded in outlines (`typescript`, `python`, `csharp`…). */
  id: string;
  /** File name of the grammar in the wasm directory. */
  grammar: string;
  rules: Readonly<Record<string, SymbolRule>>;
  /**
   * Nodes that wrap a declaration (`export`, decorators, `template<…>`): the walker looks at the
   * node returned, and the wrapper's text is part of the symbol.
   */
  wrappers?: Readonly<Record<string, (node: Node) => Node | null>>;
  /** Sibling nodes that belong to the next declaration besides comments (Rust `#[derive]`). */
  leading?: readonly string[];
  /**
   * Statements whose blocks declare symbols of the container they sit in (Python's `if`, `try` and
   * `with` at module or class level): the declarations in the blocks returned are the container's.
   */
  transparent?: Readonly<Record<string, (node: Node) => Node[]>>;
}

/** Collapses runs of whitespace: names built from source text (`impl Foo<T>`) stay one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The text of a field, whitespace-collapsed, or null. */
export function fieldText(node: Node, field: string): string | null {
  const child = node.childForFieldName(field);
  return child ? oneLine(child.text) : null;
}

/** The usual case: the symbol's name is its `name` field. */
export function byNameField(node: Node): SymbolName[] {
  const nameNode = node.childForFieldName('name');
  return nameNode ? [{ name: oneLine(nameNode.text), nameNode }] : [];
}

/** Same, but only for nodes with a body: `class Foo;` and `enum E;` are forward declarations. */
export function byNameFieldWithBody(node: Node): SymbolName[] {
  return node.childForFieldName('body') ? byNameField(node) : [];
}

/**
 * One symbol per declarator of a declaration node (`const a = 1, b = 2`). With one declarator the
 * whole declaration (with `export`) is the symbol; with several, each declarator's lines are its
 * own, and its hash is the declaration's without the other declarators: un-exporting the line
 * changes every one of them, and `export const a = 1, b = 2;` minus `b` leaves `a` as it was.
 */
export function declaratorNames(
  node: Node,
  declaratorType: string,
  kindOf: (declarator: Node, single: boolean) => SymbolKind,
): SymbolName[] {
  const declarators = node.namedChildren.filter((c) => c.type === declaratorType);
  const single = declarators.length === 1;
  const first = declarators[0];
  const last = declarators[declarators.length - 1];
  return declarators.flatMap((d) => {
    const nameNode = d.childForFieldName('name');
    if (!nameNode || !first || !last) return [];
    const name = oneLine(nameNode.text);
    if (single) return [{ name, nameNode, kind: kindOf(d, single) }];
    // The declarators before this one with their commas, and the ones after it.
    const others = [
      ...(d.startIndex > first.startIndex ? [{ start: first.startIndex, end: d.startIndex }] : []),
      ...(d.endIndex < last.endIndex ? [{ start: d.endIndex, end: last.endIndex }] : []),
    ];
    return [{ name, nameNode, kind: kindOf(d, single), span: d, others }];
  });
}

/** The first named child, for wrappers whose declaration has no field name. */
export function firstNamedChild(node: Node): Node | null {
  return node.firstNamedChild;
}

/** The last named child (a `template<…>` wraps its declaration as the last child). */
export function lastNamedChild(node: Node): Node | null {
  return node.lastNamedChild;
}

/** The named child of a given type inside a field (Java enum methods sit in `enum_body_declarations`). */
export function childOfType(node: Node | null, type: string): Node | null {
  return node?.namedChildren.find((c) => c.type === type) ?? null;
}
