/** Which tool calls must wait for the user. Pure but for the always-ask patterns' time limit: the runner journals what this decides. */
import { MATCH_LIMIT_MS, matchesWithin } from './patternMatch';

/** memory: writes to long-term memory (not the workspace; undone with the session's rewind). */
export type ToolCategory = 'read' | 'compute' | 'mutate' | 'memory';
export type CategoryRule = 'auto' | 'ask';

export interface ApprovalPolicy {
  /** Per category; reads are auto-approved and writes and commands ask by default. */
  categories: Record<Exclude<ToolCategory, 'memory'>, CategoryRule> & { memory?: CategoryRule };
  /** Extra always-ask patterns (regular expression sources, case-insensitive) matched on the call's input. */
  alwaysAsk: string[];
}

/** The policy in force now: a policy given as a function (the settings, read at each call) is asked for it. */
export const policyNow = (p: ApprovalPolicy | (() => ApprovalPolicy) | undefined): ApprovalPolicy | undefined => (typeof p === 'function' ? p() : p);

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  categories: { read: 'auto', compute: 'ask', mutate: 'ask', memory: 'auto' },
  alwaysAsk: [],
};

interface Pattern {
  /** A regular expression, or a check of its own (`withArg`). */
  re: { test(s: string): boolean };
  why: string;
}

/**
 * `cmd` with an argument `arg` matches, anywhere in the same simple command (up to `;`, `&`, `|` or a
 * line break): GNU tools take options after their paths too (`rm build -rf`). Linear in the command
 * line, where one regular expression scanning on from every `cmd` is quadratic.
 */
const withArg = (cmd: RegExp, arg: { test(s: string): boolean }): Pattern['re'] => ({
  test: (s) =>
    simpleCommands(s).some((part) => {
      const at = part.search(cmd);
      return at >= 0 && arg.test(part.slice(at));
    }),
});

/**
 * The simple commands of a command line as the shell splits them: at `;`, `&`, `|` and line breaks
 * outside quotes, with the quotes and backslashes taken out as the shell takes them (`rm "a;b" -rf`
 * is one rm, `"-rf"` is -rf). Splitting inside quotes looked for an rm's options in another command.
 */
export function simpleCommands(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | undefined;
  // Taken a stretch at a time up to the next character that means something where it stands: one
  // character at a time, a long command line made a string per character (half a megabyte: a second).
  for (let i = 0; i < s.length; ) {
    const next = quote === undefined ? OUTSIDE_QUOTES : quote === '"' ? IN_DOUBLE_QUOTES : IN_SINGLE_QUOTES;
    next.lastIndex = i;
    const at = next.exec(s)?.index ?? s.length;
    cur += s.slice(i, at);
    if (at === s.length) break;
    const c = s.charAt(at);
    i = at + 1;
    if (c === '\\') {
      // A backslash takes the next character as it is; the last one of the line stays.
      cur += i < s.length ? s.charAt(i++) : c;
    } else if (quote !== undefined) quote = undefined;
    else if (c === '"' || c === "'") quote = c;
    else {
      parts.push(cur);
      cur = '';
    }
  }
  parts.push(cur);
  return parts;
}

/** Where the shell reads a character as more than itself: outside quotes, within "…", within '…'. */
const OUTSIDE_QUOTES = /[\\"';&|\n]/g;
const IN_DOUBLE_QUOTES = /[\\"]/g;
const IN_SINGLE_QUOTES = /'/g;

/** `git branch`'s arguments delete by force: -D, or a delete and a force however written (-d -f, -fd, --delete --force). */
function forceDelete(args: string): boolean {
  return /\s-[a-zA-Z]*D/.test(args) || (/\s(--delete\b|-[a-zA-Z]*d)/.test(args) && /\s(--force\b|-[a-zA-Z]*f)/.test(args));
}

/** Destructive actions that are always asked about, whatever the category rules say. */
const DESTRUCTIVE: readonly Pattern[] = [
  { re: withArg(/\brm\s/i, /\s(-[a-z]*r[a-z]*|--recursive)\b/i), why: 'recursive delete (rm -r)' },
  { re: withArg(/\bfind\s/i, /\s-delete\b/i), why: 'recursive delete (find -delete)' },
  // -f alone or among other short flags (-fu), or a + refspec (origin +main) forces as --force does.
  { re: withArg(/\bgit\s+push\b/i, /\s(--force(-with-lease|-if-includes)?\b|-[a-z]*f[a-z]*\b|\+\S)/i), why: 'force push' },
  { re: withArg(/\bgit\s+push\b/i, /\s(--delete\b|-[a-z]*d[a-z]*\b|:[^\s:])/i), why: 'remote branch delete (git push --delete, origin :branch)' },
  { re: withArg(/\bgit\s+reset\s/i, /\s--hard\b/i), why: 'git reset --hard' },
  { re: withArg(/\bgit\s+clean\b/i, /-[a-z]*f/i), why: 'git clean' },
  // Only git keeps these, and a rewind gives back the workspace's files, never .git: a stash dropped or a branch deleted by force is gone.
  { re: /\bgit\s+stash\s+(drop|clear)\b/i, why: 'git stash drop or clear (a rewind cannot bring a stash back)' },
  { re: withArg(/\bgit\s+branch\b/, { test: forceDelete }), why: 'branch deleted by force (git branch -D; a rewind cannot bring it back)' },
  { re: /\b(drop|truncate|alter)\s+(table|database|schema|index|view)\b/i, why: 'destructive SQL' },
  { re: /\bdelete\s+from\b/i, why: 'SQL DELETE' },
  { re: /\b(npm|yarn|pnpm)\s+publish\b|\bcargo\s+publish\b|\btwine\s+upload\b|\bgem\s+push\b|\bvsce\s+publish\b/i, why: 'package publish' },
  { re: /\bsudo\b/, why: 'sudo' },
];

/**
 * A path argument that leaves the workspace: absolute, `~`, or `..`; also written against a
 * redirection or shell operator (`>~/.bashrc`, `2>/var/log/build.log`, `cat</etc/passwd`, `a|/bin/x`), as the
 * shell reads it. The standard streams (`/dev/null`, `/dev/stderr`) are not outside anything.
 */
const OUTSIDE = /(^|[\s'"=<>|;&(`])(\/(?!dev\/(null|stdin|stdout|stderr|fd\/\d+)\b)[^\s'"]*|~[^\s'"]*|\.\.(\/|$|\s))/;

/**
 * Other ways a command line reaches outside the workspace: `..` before a shell operator or quote
 * (`cd ..; cat x`, `ls ..|head`), the home and temporary folders by variable (`$HOME`, `${HOME}`,
 * `%USERPROFILE%`), the previous folder (`$OLDPWD`, `cd -`), `cd` or `pushd` alone (home), and the
 * parent of the working folder by `dirname $PWD`, a path against a short option. Best effort: a shell can spell a path in endless
 * ways (see the setting's description), but these plain ones must not run unasked.
 */
const COMMAND_OUTSIDE: readonly RegExp[] = [
  /(^|[\s'"=/:;&|(<>])\.\.(?=$|[\s'"/\\;&|)<>])/,
  /\$\{?(HOME|USERPROFILE|OLDPWD|TMPDIR|TEMP|TMP|APPDATA|LOCALAPPDATA|XDG_[A-Z_]+)\b/,
  /%(USERPROFILE|HOMEPATH|HOMEDRIVE|APPDATA|LOCALAPPDATA|TEMP|TMP)%/i,
  /(^|[;&|(`]|\$\()\s*(cd|pushd)(\s+-)?\s*($|[;&|)`])/,
  /\bdirname\s+["']?(\$\{?PWD\b|\$\(pwd\)|`pwd`)/,
  // A path written against a short option, as most tools read it: `curl -o/etc/x`, `tar -C/etc`, `gcc -o~/bin/x`.
  /(^|[\s'"])-[A-Za-z]{1,4}(\/(?!dev\/(null|stdin|stdout|stderr|fd\/\d+)\b)|~)/,
];

export interface ApprovalDecisionNeed {
  ask: boolean;
  /** Why the call must be asked about (shown to the user), when it must. */
  reasons: string[];
  /** Destructive, an always-ask pattern, or outside the workspace: only the user may approve it (never a timeout). */
  always?: true;
}

/**
 * Decides whether a call needs the user. `input` is the tool's validated input. Commands (fields
 * that are executed: command, script, query, sql) are checked against the destructive patterns;
 * commands and path fields for leaving the workspace; every string against the user's patterns;
 * memory writes for the user scope, which every project reads.
 * File contents are not commands: writing a migration that says DROP TABLE is a write, not a drop.
 * Fail-closed: a user pattern that is invalid, or could backtrack for ever (`alwaysAskProblem`),
 * makes every call ask; the others run on bounded stretches of each string, within a time limit
 * past which the call is asked about too (`matchesWithin`).
 */
export function needsApproval(policy: ApprovalPolicy, tool: { name: string; category: ToolCategory }, input: unknown): ApprovalDecisionNeed {
  const reasons: string[] = [];
  const fields = collectStrings(input);
  const strings = fields.map(([, v]) => v);
  const commands = fields.filter(([k]) => COMMAND_KEYS.has(k)).map(([, v]) => v);
  const paths = fields.filter(([k]) => PATH_KEYS.has(k) || COMMAND_KEYS.has(k)).map(([, v]) => v);
  // Also as the shell reads them, quotes taken out: `git push origin "+main"` forces as +main does.
  const unquoted = commands.map((s) => simpleCommands(s).join(';')).filter((u, i) => u !== commands[i]);
  for (const p of DESTRUCTIVE) if (commands.some((s) => p.re.test(s)) || unquoted.some((s) => p.re.test(s))) reasons.push(p.why);
  for (const src of policy.alwaysAsk) {
    const problem = alwaysAskProblem(src);
    if (problem !== undefined) {
      reasons.push(problem);
      continue;
    }
    const matched = matchesWithin(src, strings);
    if (matched === 'stopped') reasons.push(`the always-ask pattern ${JSON.stringify(src)} (savepoint.approval.alwaysAsk) took longer than ${MATCH_LIMIT_MS} ms on this call's input and was stopped, so the call is asked about; a simpler pattern avoids this (\\s+ instead of \\s*\\s*)`);
    else if (matched) reasons.push(`matches always-ask pattern ${JSON.stringify(src)}`);
  }
  if (paths.some((s) => OUTSIDE.test(s)) || commands.some((s) => COMMAND_OUTSIDE.some((re) => re.test(s)))) reasons.push('refers to a path outside the workspace');
  // The user scope is read into every project's prompts: a repository must not plant instructions there unasked.
  if (tool.category === 'memory' && fields.some(([k, v]) => k === 'scope' && v === 'user')) reasons.push('changes your memory of every project (scope user)');
  if (reasons.length > 0) return { ask: true, reasons, always: true };
  // Policies journaled before memory existed have no rule for it: memory writes are undoable, so auto.
  const rule = policy.categories[tool.category] ?? (tool.category === 'memory' ? 'auto' : 'ask');
  return rule === 'auto' ? { ask: false, reasons: [] } : { ask: true, reasons: [`${tool.category} tools ask first (approval policy)`] };
}

const COMMAND_KEYS = new Set(['command', 'script', 'query', 'sql']);
const PATH_KEYS = new Set(['path', 'paths', 'cwd', 'dir', 'directory', 'file', 'target', 'from', 'to']);

/** Every string in the input with the name of the field that holds it. */
function collectStrings(v: unknown, key = '', out: [string, string][] = [], depth = 0): [string, string][] {
  if (depth > 8) return out;
  if (typeof v === 'string') out.push([key, v]);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, key, out, depth + 1);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collectStrings(x, k, out, depth + 1);
  return out;
}

/**
 * Why an always-ask pattern is not used (the approval reason that makes every call ask instead),
 * or undefined for a pattern that is used. A pattern comes from any settings, a cloned repository's
 * too, and runs on what the model writes: one that can backtrack for ever would freeze the editor.
 */
export function alwaysAskProblem(src: string): string | undefined {
  const fault = patternFault(src);
  return fault === undefined ? undefined : `the always-ask pattern ${JSON.stringify(src)} (savepoint.approval.alwaysAsk) ${fault}: it is not used, so every call is asked about`;
}

/**
 * What makes a pattern unsafe to run, in words, or undefined. Refused: an invalid pattern; a
 * backreference (\1, \k<name>: matching with one can take exponential time whatever the rest);
 * and a group repeated without bound (*, +, {n,}) that holds a repetition or alternatives inside
 * (`(a+)+`, `(x\s*y)*`, `(a|a)*`): its text can be split between the repetitions in exponentially
 * many ways, which a backtracking engine tries one by one when the match fails. Such a pattern has
 * a safe form: a class (`[ab]*` for `(a|b)*`), or the inner repetition alone (`a+` for `(a+)+`).
 * A small scanner of JavaScript's pattern syntax (without the u flag, as the patterns are compiled).
 */
export function patternFault(src: string): string | undefined {
  try {
    new RegExp(src, 'i');
  } catch (e) {
    return `is invalid (${e instanceof Error ? e.message : String(e)})`;
  }
  /** An open group: whether it holds a quantifier, or alternatives (`|`), at any depth. */
  interface Group {
    repeats: boolean;
    alternatives: boolean;
  }
  const open: Group[] = [{ repeats: false, alternatives: false }];
  const top = (): Group => open[open.length - 1] as Group;
  /** What a quantifier here would repeat: a group just closed, another atom ({}), or nothing. */
  let last: { group?: Group } | undefined;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && src[i + 2] === '<')) return 'has a backreference (\\1, \\k<name>), which can take exponential time on a long input';
      i++;
      last = {};
    } else if (c === '[') {
      i = classEnd(src, i);
      last = {};
    } else if (c === '(') {
      open.push({ repeats: false, alternatives: false });
      // (?:, (?=, (?!, (?<=, (?<!, (?<name>: not atoms nor quantifiers.
      if (src[i + 1] === '?') i = src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!' ? src.indexOf('>', i) : src[i + 2] === '<' ? i + 3 : i + 2;
      last = undefined;
    } else if (c === ')') {
      const g = open.pop() as Group;
      top().repeats ||= g.repeats;
      top().alternatives ||= g.alternatives;
      last = { group: g };
    } else if (c === '|') {
      top().alternatives = true;
      last = undefined;
    } else {
      const q = c === '*' || c === '+' || c === '?' ? { length: 1, unbounded: c !== '?' } : countAt(src, i);
      if (q === undefined) {
        last = {};
        continue;
      }
      if (q.unbounded && (last?.group?.repeats || last?.group?.alternatives)) {
        return `repeats a group that holds ${last.group.repeats ? 'a repetition' : 'alternatives'} without bound (like (a+)+ or (a|b)*), which can take exponential time on a long input`;
      }
      top().repeats = true;
      i += q.length - 1;
      // A lazy quantifier's ? is part of it.
      if (src[i + 1] === '?') i++;
      last = undefined;
    }
  }
  return undefined;
}

/** The index of the `]` that closes the class opened at `start` (`[]` and `[^]` are whole classes). */
function classEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === '^') i++;
  for (; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']') return i;
  }
  return src.length;
}

/** A count quantifier at `i` ({n}, {n,}, {n,m}): its length, and whether it has no upper bound. Anything else there is a literal brace. */
function countAt(src: string, i: number): { length: number; unbounded: boolean } | undefined {
  const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 40));
  return m ? { length: m[0].length, unbounded: m[2] !== undefined && m[3] === '' } : undefined;
}
