import type { NotUnderstood } from '../ports/diagnostics';

/**
 * Lines a checker prints when it finds nothing: npm/pnpm script headers (`> app@1.0.0 check`, `> tsc`),
 * cargo's progress, mypy's, ruff's, pyright's and tsc's clean summaries, counts of none.
 */
export const CLEAN_LINE =
  /^\s*(?:>.*|\$ .*|(?:Compiling|Checking|Finished|Blocking|Updating|Downloading|Downloaded|Locking|Adding|Fresh|Running)\b.*|Success: no issues found.*|All checks passed!?|0 errors?(?:, 0 \w+)*\.?|Found 0 errors?\b.*|No (?:issues|problems|errors)(?: found)?\.?|Done in .*|\[\d{1,2}:\d{2}:\d{2}(?: [AP]M)?\] .*|.*\b(?:compiled|completed) successfully\b.*)\s*$/i;

/**
 * A line that reads as a finding or a count of them (`2 problems`, `E: x.kt line 4 - unresolved`,
 * `a.kt(4)`) in a format no parser here knows: with no finding read, the output was not understood.
 */
export const FINDING_LIKE = /\b(?:errors?|warnings?|problems?|issues?|fail(?:s|ed|ure)?|fatal|undefined|unresolved|mismatch)\b|\bline \d+|\.[A-Za-z0-9]{1,6}[:(]\d+/i;

// A code frame: gcc 9+ and clang `    2 |   int x = y;`, `      |           ^~`, `  +++ |+#include <stdio.h>`,
// rustc's `  |` and ` --> src/main.rs:2:13`. It shows the line number and the code, which change
// when the code around a finding moves, so it must not become part of the message (a finding's identity).
export const FRAME = /^\s*(?:\d+\s*|\+\+\+\s*)?\||^\s*(?:-->|:::)\s/;
// The caret under an older clang's (or mypy --pretty's, or tsc --pretty's) copy of the source line: `    ~~~~^~~~`.
export const CARET = /^\s*[~^][~^\s]*$/;

/**
 * What the supported checkers print around their findings that says nothing more: summaries and
 * counts, context headers, the build tool's or the package manager's word that the command failed.
 */
const NOISE: readonly RegExp[] = [
  /^\s*$/,
  CLEAN_LINE,
  FRAME,
  // tsc, mypy, ruff, pyright: `Found 3 errors in 2 files.`, `Found 5 source files`; tsc --build's table of them.
  /^Found \d+ \w+/,
  /^\s*Errors\s+Files$/,
  /^\s*\d+\s+\S.*:\d+$/,
  // gcc and clang: counts, the function a finding is in, the includes that led to it.
  /^\d+ (?:errors?|warnings?)(?: and \d+ (?:errors?|warnings?))? generated\.$/,
  /^.+: (?:In (?:function|member function|static member function|constructor|destructor|instantiation of|lambda function)\b.*|At (?:top level|global scope)):$/,
  /^(?:In file included from|\s+from) .+[:,]$/,
  /^compilation terminated\.$/,
  /^(?:g?make(?:\[\d+\])?|ninja): /,
  // ESLint (stylish and unix) and ruff.
  /^\s*[\u2716\u00d7]\s+\d+ problems?\b/,
  /^\d+ problems?$/,
  /potentially fixable with the `--fix` option/,
  /^\[\*\] \d+ fixable\b/,
  /^No fixes available\b/,
  // pyright.
  /^\d+ errors?, \d+ warnings?, \d+ (?:informations?|notes?)\s*$/,
  // go: the package a list of findings is about (`# example.com/app`, go vet's `# [example.com/app]`).
  /^# \S+$/,
  // rustc/cargo: a finding's children, explanations, and the count it ends with.
  /^(?:note|help)(?:\[\w+\])?: /,
  /^\s*= (?:note|help): /,
  /^Some errors have detailed explanations: /,
  /^For more information about (?:this|an) error, try `rustc --explain /,
  /^(?:error|warning): (?:could not compile|aborting due to|build failed)\b/,
  /^warning: `[^`]+` \(.+\) generated \d+ warnings?/,
  // npm, pnpm and yarn saying that the script failed.
  /^npm (?:ERR!|error|WARN|warn)(?:\s|$)/,
  /^\s*ELIFECYCLE\b/,
  /^error Command failed with exit code \d+\.$/,
  /^info Visit \S+ for documentation about this command\.$/,
];

/** The lines kept to show, and how long each may be. */
const SHOWN = 5;
const LINE_CHARS = 200;

const cut = (s: string) => (s.length > LINE_CHARS ? `${s.slice(0, LINE_CHARS - 1)}\u2026` : s);

/**
 * The lines of a check command's output that were neither findings nor noise, fed one at a time in
 * order (`line`: a line no parser read as a finding nor as part of one; `finding`: one was read).
 * An indented line right under a finding (before a line that is not) belongs to it. A line a later
 * one turns out to explain is taken back: the source line above a caret, a rustc header above its
 * location line.
 */
export class UnreadLines {
  private readonly candidates: { text: string; at: number; inFinding: boolean }[] = [];
  private inFinding = false;

  line(raw: string, at: number): void {
    const text = raw.trimEnd();
    if (CARET.test(text)) return this.retract(at - 1);
    if (NOISE.some((r) => r.test(text))) return;
    if (this.inFinding && /^\s/.test(text)) return;
    this.candidates.push({ text: text.trim(), at, inFinding: this.inFinding });
    this.inFinding = false;
  }

  /** `fromAbove`: the finding began on the line before (a rustc header), which is not counted then. */
  finding(at: number, fromAbove: boolean): void {
    if (fromAbove) this.retract(at - 1);
    this.inFinding = true;
  }

  /**
   * What was not understood, undefined when nothing was. `failed`: the command exited non-zero,
   * so any such line may say why; else only those that read like findings count (the rest is chatter).
   */
  report(failed: boolean): NotUnderstood | undefined {
    const counted = failed ? this.candidates : this.candidates.filter((c) => FINDING_LIKE.test(c.text));
    if (counted.length === 0) return undefined;
    return { count: counted.length, lines: counted.slice(0, SHOWN).map((c) => cut(c.text)) };
  }

  /** Takes back the line at `at` when it was counted (it was part of what follows it). */
  private retract(at: number): void {
    const last = this.candidates[this.candidates.length - 1];
    if (last?.at !== at) return;
    this.candidates.pop();
    this.inFinding = last.inFinding;
  }
}
