import { c, cpp, csharp, go, java, rust } from './compiledLanguages';
import { python, ruby } from './scriptLanguages';
import { type LanguageSpec } from './symbolRules';
import { javascript, php, tsx, typescript } from './webLanguages';

/**
 * File extension (lower case, with the dot) → language. C files use the C++ grammar: the
 * grammar package ships no C grammar, and C parses as C++ except where C code uses C++
 * keywords as identifiers (`new`, `class`), which then shows as a syntax error.
 */
const BY_EXTENSION: Readonly<Record<string, LanguageSpec>> = {
  '.ts': typescript,
  '.mts': typescript,
  '.cts': typescript,
  '.tsx': tsx,
  '.js': javascript,
  '.mjs': javascript,
  '.cjs': javascript,
  '.jsx': javascript,
  '.py': python,
  '.pyi': python,
  '.go': go,
  '.rs': rust,
  '.java': java,
  '.cs': csharp,
  '.c': c,
  '.h': c,
  '.cc': cpp,
  '.cpp': cpp,
  '.cxx': cpp,
  '.hh': cpp,
  '.hpp': cpp,
  '.hxx': cpp,
  '.rb': ruby,
  '.php': php,
};

/** The language of a path by its extension (case-insensitive), or null when unsupported. */
export function languageForPath(path: string): LanguageSpec | null {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return null; // no extension, or a dotfile such as `.env`
  return BY_EXTENSION[path.slice(dot).toLowerCase()] ?? null;
}

/** Every supported language, one entry per id. */
export function supportedLanguages(): LanguageSpec[] {
  return [...new Set(Object.values(BY_EXTENSION))];
}
