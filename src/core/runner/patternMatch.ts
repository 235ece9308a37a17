import { Script, createContext } from 'node:vm';

/**
 * The most characters an always-ask pattern is run on at once. A longer string is matched in
 * stretches this long, each starting half a stretch after the one before: a match of up to half a
 * stretch is found whole wherever it is (padding cannot push a command past the patterns), and a
 * pattern that is slow on long text (`\s*\s*x`) never sees more than this. `^`, `$` and `\b` at a
 * stretch's edge may then match where the whole string would not: one more question, never one less.
 */
export const MATCH_WINDOW = 1000;

/**
 * How long one pattern may take on one call's input, all its strings together. Ordinary patterns
 * take well under a millisecond on a large file's contents; one that is slow on some text (`\s*\s*x`
 * on a run of spaces: polynomial, not stopped by `patternFault`) is stopped at this point.
 */
export const MATCH_LIMIT_MS = 250;

/**
 * The matching runs in a context of its own, through `vm`, for its time limit: a script run with a
 * `timeout` is interrupted even inside a regular expression, which nothing else in JavaScript can
 * stop. The patterns are compiled there once each (case-insensitive, as the setting says).
 */
const MATCHER = `(function (window) {
  const compiled = new Map();
  return function match(src, strings) {
    let re = compiled.get(src);
    if (re === undefined) { re = new RegExp(src, 'i'); compiled.set(src, re); }
    for (const s of strings) {
      if (s.length <= window) { if (re.test(s)) return true; continue; }
      for (let at = 0; ; at += window / 2) {
        if (re.test(s.slice(at, at + window))) return true;
        if (at + window >= s.length) break;
      }
    }
    return false;
  };
})`;

interface Matcher {
  context: object & { match?: unknown; src?: string; strings?: readonly string[] };
  run: Script;
}

let matcher: Matcher | undefined;

function theMatcher(): Matcher {
  if (matcher) return matcher;
  const context = createContext({});
  (context as { match?: unknown }).match = new Script(MATCHER).runInContext(context)(MATCH_WINDOW);
  matcher = { context, run: new Script('match(src, strings)') };
  return matcher;
}

/**
 * Whether the pattern `src` (valid, case-insensitive) matches any of `strings`, each run on at most
 * `MATCH_WINDOW` characters at a time; 'stopped' when that took longer than `limitMs` (the caller
 * fails closed: it asks).
 */
export function matchesWithin(src: string, strings: readonly string[], limitMs = MATCH_LIMIT_MS): boolean | 'stopped' {
  if (strings.length === 0) return false;
  const m = theMatcher();
  m.context.src = src;
  m.context.strings = strings;
  try {
    return m.run.runInContext(m.context, { timeout: limitMs }) === true;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'stopped';
    throw e;
  } finally {
    m.context.strings = [];
  }
}
