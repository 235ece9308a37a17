/** Which tool calls must wait for the user. Pure: the runner journals what this decides. */

/** memory: writes to long-term memory (not the workspace; undone with the session's rewind). */
export type ToolCategory = 'read' | 'compute' | 'mutate' | 'memory';
export type CategoryRule = 'auto' | 'ask';

export interface ApprovalPolicy {
  /** Per category; reads are auto-approved and writes and commands ask by default. */
  categories: Record<Exclude<ToolCategory, 'memory'>, CategoryRule> & { memory?: CategoryRule };
  /** Extra always-ask patterns (regular expression sources, case-insensitive) matched on the call's input. */
  alwaysAsk: string[];
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  categories: { read: 'auto', compute: 'ask', mutate: 'ask', memory: 'auto' },
  alwaysAsk: [],
};

interface Pattern {
  re: RegExp;
  why: string;
}

/** Destructive actions that are always asked about, whatever the category rules say. */
const DESTRUCTIVE: readonly Pattern[] = [
  { re: /\brm\s+(-[a-z]*r[a-z]*|-[a-z]*\s+-[a-z]*r|--recursive)\b/i, why: 'recursive delete (rm -r)' },
  { re: /\bgit\s+push\b.*\s(--force(-with-lease)?|-f)\b/i, why: 'force push' },
  { re: /\bgit\s+reset\s+.*--hard\b/i, why: 'git reset --hard' },
  { re: /\bgit\s+clean\b.*-[a-z]*f/i, why: 'git clean' },
  { re: /\b(drop|truncate|alter)\s+(table|database|schema|index|view)\b/i, why: 'destructive SQL' },
  { re: /\bdelete\s+from\b/i, why: 'SQL DELETE' },
  { re: /\b(npm|yarn|pnpm)\s+publish\b|\bcargo\s+publish\b|\btwine\s+upload\b|\bgem\s+push\b|\bvsce\s+publish\b/i, why: 'package publish' },
  { re: /\bsudo\b/, why: 'sudo' },
];

/** A path argument that leaves the workspace: absolute, `~`, or `..`. */
const OUTSIDE = /(^|[\s'"=])(\/(?!dev\/null\b)[^\s'"]*|~[^\s'"]*|\.\.(\/|$|\s))/;

/**
 * Other ways a command line reaches outside the workspace: `..` before a shell operator or quote
 * (`cd ..; cat x`, `ls ..|head`), the home and temporary folders by variable (`$HOME`, `${HOME}`,
 * `%USERPROFILE%`), the previous folder (`$OLDPWD`, `cd -`), `cd` or `pushd` alone (home), and the
 * parent of the working folder by `dirname $PWD`. Best effort: a shell can spell a path in endless
 * ways (see the setting's description), but these plain ones must not run unasked.
 */
const COMMAND_OUTSIDE: readonly RegExp[] = [
  /(^|[\s'"=/:;&|(<>])\.\.(?=$|[\s'"/\\;&|)<>])/,
  /\$\{?(HOME|USERPROFILE|OLDPWD|TMPDIR|TEMP|TMP|APPDATA|LOCALAPPDATA|XDG_[A-Z_]+)\b/,
  /%(USERPROFILE|HOMEPATH|HOMEDRIVE|APPDATA|LOCALAPPDATA|TEMP|TMP)%/i,
  /(^|[;&|(`]|\$\()\s*(cd|pushd)(\s+-)?\s*($|[;&|)`])/,
  /\bdirname\s+["']?(\$\{?PWD\b|\$\(pwd\)|`pwd`)/,
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
 * Fail-closed: an invalid user pattern makes every call ask.
 */
export function needsApproval(policy: ApprovalPolicy, tool: { name: string; category: ToolCategory }, input: unknown): ApprovalDecisionNeed {
  const reasons: string[] = [];
  const fields = collectStrings(input);
  const strings = fields.map(([, v]) => v);
  const commands = fields.filter(([k]) => COMMAND_KEYS.has(k)).map(([, v]) => v);
  const paths = fields.filter(([k]) => PATH_KEYS.has(k) || COMMAND_KEYS.has(k)).map(([, v]) => v);
  for (const p of DESTRUCTIVE) if (commands.some((s) => p.re.test(s))) reasons.push(p.why);
  for (const src of policy.alwaysAsk) {
    let re: RegExp;
    try {
      re = new RegExp(src, 'i');
    } catch {
      reasons.push(`the always-ask pattern ${JSON.stringify(src)} is invalid, so every call is asked about`);
      continue;
    }
    if (strings.some((s) => re.test(s))) reasons.push(`matches always-ask pattern ${JSON.stringify(src)}`);
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
