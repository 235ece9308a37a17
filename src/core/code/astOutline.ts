import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { languageForPath } from './languages';
import { type Outline } from './outlineTypes';
import { type LanguageSpec } from './symbolRules';
import { walkSymbols } from './symbolWalker';

/** Options of {@link AstOutliner.create}. */
export interface AstOutlinerOptions {
  /**
   * Directory of the grammar `.wasm` files. Default: `wasm/` of `@vscode/tree-sitter-wasm` as
   * resolved from node_modules. A webpack bundle copies the grammars next to itself and passes
   * that directory (`require.resolve` does not name a file inside a bundle).
   */
  wasmDir?: string;
  /**
   * The runtime `web-tree-sitter.wasm`, handed to `Parser.init({ locateFile })`. Default: next to
   * web-tree-sitter's JS file (inside a bundle: next to the bundle).
   */
  runtimeWasmPath?: string;
  /** Files larger than this many UTF-8 bytes are not parsed (`skipped: 'tooLarge'`). Default 1 MiB. */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Outlines kept for reuse (a few KB each). */
const RECENT_OUTLINES = 256;

// web-tree-sitter's emscripten module is process-wide: it is initialized once, and the
// runtimeWasmPath of the first outliner created wins.
let runtimeReady: Promise<void> | undefined;

function initRuntime(runtimeWasmPath: string | undefined): Promise<void> {
  runtimeReady ??= Parser.init(runtimeWasmPath === undefined ? undefined : { locateFile: () => runtimeWasmPath }).catch(
    (e: unknown) => {
      runtimeReady = undefined;
      throw e;
    },
  );
  return runtimeReady;
}

// ES2022 lib has no WebAssembly types; this is the one constructor needed for a synchronous load.
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

function describeError(e: unknown): string {
  return e instanceof Error ? e.message || e.name : String(e);
}

/**
 * Symbol outlines of source files, parsed with tree-sitter. Grammars load on first use of their
 * language and stay cached for the outliner's life. Not thread-safe in any interesting sense: one
 * parser is reused, so calls must not interleave (they are synchronous, so they cannot in Node).
 */
export class AstOutliner {
  private readonly parser = new Parser();
  private readonly languages = new Map<string, Language | Error>();
  /**
   * Recent outlines by grammar and text hash: a step's "before" is usually the previous step's
   * "after", and parsing (milliseconds per file) is what a step's symbols cost.
   */
  private readonly recent = new Map<string, Outline>();
  private readonly wasmDir: string;
  private readonly maxFileBytes: number;

  private constructor(options: AstOutlinerOptions) {
    this.wasmDir =
      options.wasmDir ?? join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  /**
   * Initializes the tree-sitter runtime (the only asynchronous step) and returns an outliner.
   * Rejects when the runtime wasm cannot be loaded; a missing grammar only fails the outlines of
   * its language.
   */
  static async create(options: AstOutlinerOptions = {}): Promise<AstOutliner> {
    await initRuntime(options.runtimeWasmPath);
    return new AstOutliner(options);
  }

  /**
   * Loads the grammars of these paths' languages without blocking the thread, so that later
   * {@link outline} calls do not compile them synchronously. Optional; never rejects (a failed
   * load is reported by `outline` as `parseError`).
   */
  async prepare(paths: readonly string[]): Promise<void> {
    const specs = new Set(paths.map(languageForPath).filter((s): s is LanguageSpec => s !== null));
    await Promise.all(
      [...specs]
        .filter((spec) => !this.languages.has(spec.grammar))
        .map(async (spec) => {
          try {
            const language = await Language.load(await readFile(join(this.wasmDir, spec.grammar)));
            this.languages.set(spec.grammar, language);
          } catch (e) {
            this.languages.set(spec.grammar, new Error(describeError(e)));
          }
        }),
    );
  }

  /**
   * The outline of one file version. Never throws: an unsupported extension gives
   * `language: null`, an oversized file `skipped`, a grammar or parser failure `parseError`, and
   * a file with syntax errors a best-effort outline with `hasSyntaxErrors: true`. The same text
   * in the same language gives the same object (recent outlines are reused): do not mutate it.
   */
  outline(path: string, text: string): Outline {
    const spec = languageForPath(path);
    if (!spec) return { language: null, symbols: [], hasSyntaxErrors: false };
    const failed = (parseError: string): Outline => ({ language: spec.id, symbols: [], parseError, hasSyntaxErrors: false });
    if (text.length > this.maxFileBytes || Buffer.byteLength(text, 'utf8') > this.maxFileBytes) {
      return { language: spec.id, symbols: [], skipped: 'tooLarge', hasSyntaxErrors: false };
    }
    const language = this.language(spec);
    if (language instanceof Error) return failed(`cannot load ${spec.grammar}: ${language.message}`);
    const key = `${spec.id}\u0000${spec.grammar}\u0000${createHash('sha256').update(text).digest('hex')}`;
    const known = this.recent.get(key);
    if (known) {
      this.recent.delete(key);
      this.recent.set(key, known);
      return known;
    }
    try {
      this.parser.setLanguage(language);
      const tree = this.parser.parse(text);
      if (!tree) return failed('the parser returned no tree');
      try {
        const outline: Outline = { language: spec.id, symbols: walkSymbols(tree.rootNode, spec, text), hasSyntaxErrors: tree.rootNode.hasError };
        this.recent.set(key, outline);
        if (this.recent.size > RECENT_OUTLINES) this.recent.delete(this.recent.keys().next().value as string);
        return outline;
      } finally {
        tree.delete();
      }
    } catch (e) {
      return failed(describeError(e));
    }
  }

  /** Whether `path` is in a language it reads (by its extension). */
  supports(path: string): boolean {
    return languageForPath(path) !== null;
  }

  /** Frees the parser. The outliner must not be used afterwards. */
  dispose(): void {
    this.parser.delete();
    this.languages.clear();
    this.recent.clear();
  }

  private language(spec: LanguageSpec): Language | Error {
    let language = this.languages.get(spec.grammar);
    if (language === undefined) {
      try {
        const bytes = readFileSync(join(this.wasmDir, spec.grammar));
        language = Language.loadSync(new wasm.Module(bytes) as Parameters<typeof Language.loadSync>[0]);
      } catch (e) {
        language = new Error(describeError(e));
      }
      this.languages.set(spec.grammar, language);
    }
    return language;
  }
}
