/**
 * One symbol of a file's outline. Names are qualified by their container with `.`
 * (`Runner.start`, `impl Foo.bar`, `(*Server).Start` is a Go method's own name).
 */
export interface SymbolInfo {
  name: string;
  /** A {@link SymbolKind} from `symbolRules.ts` (`function`, `method`, `class`…). */
  kind: string;
  /** 1-based, inclusive; `export`, decorators and templates count, leading comments do not. */
  startLine: number;
  endLine: number;
  /**
   * 16 hex chars of the SHA-256 of the symbol's normalized text: its own text, leading doc
   * comments / attributes included, nested symbols cut out (a changed method changes the method,
   * not its class). See `normalizeSymbolText` for what formatting is ignored.
   */
  hash: string;
  /** The same hash with the symbol's own name blanked: equal across a pure rename. */
  bodyHash: string;
  /**
   * Set when the symbol names itself or a container of it again (a recursive call, `this.poll()`,
   * `new Foo()` in a method of `Foo`): `bodyHash` with those names blanked too, equal across a rename
   * that renamed them as well. Not stored in outline records: deltas outline both versions afresh.
   */
  refsHash?: string;
}

/** Why a file has no outline although its language is supported. */
export type SkipReason = 'tooLarge';

/** The symbols of one file version. */
export interface Outline {
  /** Language id (`typescript`, `python`…), null for an unsupported file type. */
  language: string | null;
  /** In document order, containers before their members. */
  symbols: SymbolInfo[];
  /** The grammar could not be loaded or the parser gave no tree; `symbols` is then empty. */
  parseError?: string;
  /** Set when the file was not parsed at all. */
  skipped?: SkipReason;
  /** The tree has ERROR or MISSING nodes; symbols are best effort (tree-sitter recovers locally). */
  hasSyntaxErrors: boolean;
}
