import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Budgets } from '../core/runner/budgets';
import { errCode } from '../core/util/errCode';
import type { SessionId } from '../core/store/types';

/** The CLI's command line: its usage text, its options, and the checks of its arguments (a failed check is a UsageError: exit 2). */

/** The fewest characters of a session id taken as its start (`resolveSessionArg`): fewer would match a step number typed in the wrong place. */
export const MIN_PREFIX = 4;

export const USAGE = `savepoint — a durable coding agent (headless)

  savepoint run "task"            start a session and run it (run -: the task from standard input,
                                  e.g. savepoint run - < TASK.md; its first line is the title)
  savepoint resume [SESSION]      continue a session (default: the latest unfinished one)
  savepoint list                  sessions of the workspace
  savepoint show SESSION [STEPS]  the session's timeline; STEPS: one step (14), FROM-TO (10-20) or
                                  FROM- (1400-: to the end)
  savepoint export SESSION [--out FILE]
                                  the whole session as JSON: its events and every stored content they
                                  name (the conversation, the calls' results, the files' versions);
                                  on standard output, or in FILE (a new file)
  savepoint import FILE [--as-new]
                                  a session an export wrote, into this workspace (whole or not at all);
                                  FILE -: from standard input (savepoint export SESSION | savepoint import -);
                                  --as-new: under a new id, when the session is here already
  savepoint diff SESSION [STEP]   the unified diff of each file the session changed (one step, or all)
  savepoint outline SESSION STEP [PATH]
                                  the symbols (with their hashes) of the files STEP changed, or of PATH
                                  as it was at the end of STEP: the checkpoint's AST snapshot (STEP 0:
                                  PATH before the session changed it, read from the stored version)
  savepoint rewind SESSION STEP [--mode files|both|conversation] [--yes] [--overwrite PATH]... [--message TEXT] [--all]
                                  preview (and with --yes, do) a rewind to the end of STEP (0: before
                                  the session); a safety checkpoint first, files edited outside the
                                  session are kept unless listed with --overwrite; --message: what the
                                  conversation (both, conversation) goes on with (needed from the last step).
                                  Files only, never git itself: the steps taken back that ran git commit,
                                  checkout and the like are named. The preview names at most 24 files
                                  (those that need a look first) and counts the rest, and its outcome at most 10
                                  removed folders; --all lists every file and folder
  savepoint undo-rewind SESSION [REWIND_ID] [--yes] [--overwrite PATH]... [--all]
                                  preview (and with --yes, do) the undo of a rewind (default: the latest);
                                  --all: every file, and every one a later rewind wrote again (at most 10 named)
  savepoint fork SESSION STEP ["message" | --message TEXT]
                                  a new session continuing from the end of STEP
  savepoint compacted SESSION [ID]   the messages a compaction summarized (default: the latest)
  savepoint uncompact SESSION [ID]   undo a compaction: the summarized messages come back
  savepoint pin SESSION "fact"    send a fact verbatim with every request (unpin to stop)
  savepoint memory [list | show ID | recall QUERY | forget ID | reverts]
                                  long-term memory (workspace and user scopes)
  savepoint approve SESSION [--reject TEXT | --respond TEXT | --edit JSON] [--resume]

options:
  --workspace DIR     the workspace (default: current directory)
  --store DIR         where sessions are kept (default: per workspace in your data directory)
  --model NAME        model; repeat for fallbacks (default claude-sonnet-4-6). With resume (or
                      approve --resume): the session asks this model from now on
  --base-url URL      any Anthropic-compatible endpoint (default: the API; key from ANTHROPIC_API_KEY)
  --approvals MODE    prompt | park | yes (default: prompt on a terminal, park otherwise); yes
                      still parks what only you may approve (a destructive command, an alwaysAsk
                      pattern, a path outside the workspace, a conflict, a command cut off by a crash)
  --max-steps N  --max-tokens N  --max-cost USD  --max-tool-failures N
  --max-minutes N     stop and ask after N minutes of active run time (over all runs; waiting for
                      an approval is not counted). Given to resume, the budget options answer the
                      session's budget question with those limits
  --stream-idle-seconds N   abandon and retry a model answer silent this long (default 90)
  --max-continuations N     ask the model to go on with an answer cut short at most N times in a
                            row (default 3)
  --check-command CMD the command get_diagnostics runs (e.g. "npx tsc --noEmit -p ."); it also runs
                      after every step that changes files, and each step records the errors it
                      introduced or fixed (shown by \`show\`)
  --no-step-checks    with --check-command: do not run it after every step
  --check-command-timeout SECONDS
                      stop the check command after this long (default 300)

run, resume and approve read the workspace's .vscode/settings.json (savepoint.*) as the editor does:
  it may make approvals, budgets and memory stricter than these options, never looser, and it
  chooses the models (without --model), the ignored paths, the size limit and compaction; it never
  sets the endpoint, and its check command is named, not run; what is not used is said on stderr

SESSION: an id as savepoint list shows it, or its start (${MIN_PREFIX} characters or more) when no other id begins so

exit codes: 0 done (a preview too), 1 failed (no such session or step, a conflict, the store), 2 the
  command line is wrong or has nothing to act on (no rewind left to undo, no approval waiting, no
  compaction to undo, a fact not pinned; nothing was done), 3 the session waits for an approval, 4 it paused or a budget stopped it, 5 another
  process (the editor) is using the workspace's sessions
`;

export const OPTIONS = {
  workspace: { type: 'string' },
  store: { type: 'string' },
  model: { type: 'string', multiple: true },
  'base-url': { type: 'string' },
  approvals: { type: 'string' },
  'max-steps': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-cost': { type: 'string' },
  'max-tool-failures': { type: 'string' },
  'max-minutes': { type: 'string' },
  'stream-idle-seconds': { type: 'string' },
  'max-continuations': { type: 'string' },
  'check-command': { type: 'string' },
  'no-step-checks': { type: 'boolean' },
  'check-command-timeout': { type: 'string' },
  reject: { type: 'string' },
  respond: { type: 'string' },
  edit: { type: 'string' },
  resume: { type: 'boolean' },
  mode: { type: 'string' },
  yes: { type: 'boolean' },
  all: { type: 'boolean' },
  overwrite: { type: 'string', multiple: true },
  message: { type: 'string' },
  out: { type: 'string' },
  'as-new': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A mistake in the command line: reported without a stack, exit code 2. */
export class UsageError extends Error {}

/**
 * The options and positionals. A negative step (`rewind S -1`, for "the step before the last") is
 * read by Node's parser as an unknown option, and its advice to write `-- "-1"` only led to a second
 * refusal: it is refused as a step here, saying steps count from 0.
 */
export function parseCommandLine(argv: string[]) {
  try {
    const parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
    refuseRepeated(parsed.tokens);
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (e) {
    const negative = e instanceof Error && /^Unknown option '(-[0-9]+)'/.exec(e.message)?.[1];
    if (negative) throw new UsageError(`a step is a whole number counted from the start (0: before the session), got "${negative}"; savepoint show SESSION lists the steps`);
    // Node's advice, to put it after `--`, made a mistyped option part of the task or a session id.
    const unknown = errCode(e) === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknownOption(argv);
    if (unknown) throw new UsageError(`unknown option ${unknown} (savepoint --help lists the options); nothing was done`);
    throw e;
  }
}

/** The first option in `argv` (before a `--`) that OPTIONS does not name, as typed without its value. */
function unknownOption(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  for (const a of end < 0 ? argv : argv.slice(0, end)) {
    if (!a.startsWith('-') || a === '-') continue;
    const name = a.replace(/=.*$/, '');
    if (name.startsWith('--') ? !(name.slice(2) in OPTIONS) : ![...name.slice(1)].every((c) => c === 'h')) return name;
  }
  return undefined;
}

/**
 * An option that takes one value, given twice with different values: the parser kept the last and
 * dropped the other without a word (`fork S 1 --message A --message B` forked with B, `--store` twice
 * used the second store). The same value twice is taken, as are the options meant to repeat.
 */
function refuseRepeated(tokens: readonly { kind: string; name?: string; value?: string | undefined }[]): void {
  const seen = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined || t.value === undefined) continue;
    const option = OPTIONS[t.name as keyof typeof OPTIONS];
    if ('multiple' in option && option.multiple) continue;
    const first = seen.get(t.name);
    if (first !== undefined && first !== t.value) throw new UsageError(`--${t.name} is given twice ("${first}", then "${t.value}"); give it once (nothing was done)`);
    seen.set(t.name, t.value);
  }
}

/** The arguments each command takes (named as in USAGE, with how many at most) and the options only it takes. */
const TAKES: Record<string, { args: string; max: number; options?: readonly string[]; oneOf?: readonly string[] }> = {
  run: { args: '"task"', max: Infinity },
  resume: { args: '[SESSION]', max: 1 },
  list: { args: '', max: 0 },
  show: { args: 'SESSION [STEPS]', max: 2 },
  export: { args: 'SESSION', max: 1, options: ['out'] },
  import: { args: 'FILE', max: 1, options: ['as-new'] },
  diff: { args: 'SESSION [STEP]', max: 2 },
  outline: { args: 'SESSION STEP [PATH]', max: 3 },
  rewind: { args: 'SESSION STEP', max: 2, options: ['mode', 'yes', 'overwrite', 'message', 'all'] },
  'undo-rewind': { args: 'SESSION [REWIND_ID]', max: 2, options: ['yes', 'overwrite', 'all'] },
  fork: { args: 'SESSION STEP ["message"]', max: Infinity, options: ['message'] },
  compacted: { args: 'SESSION [ID]', max: 2 },
  uncompact: { args: 'SESSION [ID]', max: 2 },
  pin: { args: 'SESSION "fact"', max: Infinity },
  unpin: { args: 'SESSION "fact"', max: Infinity },
  memory: { args: '[list | show ID | recall QUERY | forget ID | reverts]', max: Infinity },
  approve: { args: 'SESSION', max: 1, options: ['reject', 'respond', 'edit', 'resume'], oneOf: ['reject', 'respond', 'edit'] },
};

/**
 * Refuses, before anything is opened or written, an unknown command, an argument left over and an
 * option the command does not take: ignored, `rewind S 1 --yes 2` rewound to step 1 and
 * `undo-rewind S --mode both` ran as if the option were not there. The model, endpoint, approval
 * and budget options are taken by every command (scripts pass them to all).
 */
export function checkTakes(command: string, rest: readonly string[], given: Readonly<Record<string, unknown>>): void {
  const takes = TAKES[command];
  if (!takes) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  const over = rest.slice(takes.max);
  if (over.length) throw new UsageError(`${command} takes ${takes.args || 'no argument'}; left over: ${over.map((a) => `"${a}"`).join(' ')} (nothing was done)`);
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined || takes.options?.includes(name)) continue;
    const by = Object.keys(TAKES).filter((c) => TAKES[c]?.options?.includes(name));
    if (by.length) throw new UsageError(`${command} does not take --${name} (${by.join(', ')} does); nothing was done`);
  }
  // One answer: `approve S --reject A --respond B` recorded the reject and dropped the reply.
  const answers = (takes.oneOf ?? []).filter((name) => given[name] !== undefined);
  if (answers.length > 1) throw new UsageError(`${command} takes one answer: ${(takes.oneOf ?? []).map((n) => `--${n}`).join(', ').replace(/, ([^,]*)$/, ' or $1')}, not ${answers.map((n) => `--${n}`).join(' and ')} (nothing was done)`);
}

/** The command's first argument is a session id (or the start of one: `resolveSessionArg`). */
export const takesSession = (command: string): boolean => /^\[?SESSION\b/.test(TAKES[command]?.args ?? '');

/**
 * The budget options as the runner takes them, checked before anything is opened. An empty value
 * (`--max-steps=$N` with N unset) was taken as no limit at all, and Number() read "0x10" as 16 and
 * "1e6" as a million: counts are digits only, amounts digits with an optional fraction.
 */
export function budgetsOf(o: Readonly<Record<string, unknown>>): Budgets {
  const count = (name: string) => amount(o[name], name, /^[0-9]+$/, 'a whole number (0 or more)');
  const usd = (name: string) => amount(o[name], name, /^[0-9]+(\.[0-9]+)?$/, 'a number (0 or more, such as 2.50)');
  const b = { maxSteps: count('max-steps'), maxTokens: count('max-tokens'), maxCostUsd: usd('max-cost'), maxToolFailures: count('max-tool-failures'), maxMinutes: usd('max-minutes') };
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
}

function amount(v: unknown, name: string, form: RegExp, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !form.test(v) || !Number.isFinite(Number(v))) throw new UsageError(`--${name} needs ${what}, got "${String(v)}" (nothing was done)`);
  return Number(v);
}

/** Seconds that must be more than 0 (a time limit). */
export function positiveSeconds(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\s*[0-9.]+\s*$/.test(v) || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} needs a positive number of seconds, got "${v}" (nothing was done)`);
  return n;
}

/** A whole number from `min` to `max`, as the user writes it (digits only). */
export function wholeNum(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${name} needs a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

/** `--stream-idle-seconds` and `--max-continuations` as CliEnv fields (the same ranges as their settings). */
export function modelLimits(idleSeconds: string | undefined, continuations: string | undefined): { streamIdleMs?: number; maxContinuations?: number } {
  const idle = wholeNum(idleSeconds, 'stream-idle-seconds', 5, 3600);
  const max = wholeNum(continuations, 'max-continuations', 0, 20);
  return { ...(idle !== undefined ? { streamIdleMs: idle * 1000 } : {}), ...(max !== undefined ? { maxContinuations: max } : {}) };
}

/** A step as the user writes it: digits only (Number() would read "" as 0, "0x10" as 16 and "1e3" as 1000). */
export function stepArg(v: string | undefined, command: string): number {
  if (v === undefined || !/^[0-9]+$/.test(v)) throw new UsageError(`${command} needs a step number (0: before the session), got ${v === undefined ? 'none' : `"${v}"`}`);
  return Number(v);
}

export function sessionArg(v: string | undefined, command: string): SessionId {
  if (!v) throw new UsageError(`${command} needs a session id (see savepoint list)`);
  return v as SessionId;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError('--edit needs the new input as JSON');
  }
}

/** The commands that read or write the workspace's files (the others read only the store). */
const TOUCHES_WORKSPACE: readonly string[] = ['run', 'resume', 'approve', 'rewind', 'undo-rewind'];

/**
 * The workspace must be a folder before such a command opens or makes a store: a mistyped
 * --workspace made a store and a session, spent a model call, and failed on the first file with
 * a stack trace (a rewind's preview too).
 */
export function checkWorkspace(command: string, dir: string): void {
  if (!TOUCHES_WORKSPACE.includes(command)) return;
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new UsageError(`the workspace ${dir} ${st ? 'is a file, not a folder' : 'does not exist'} (is --workspace right?); nothing was done`);
}
