import { finalProgram, shellCommands } from './shellWords';
import type { ToolPlannedData } from '../runner/runEvents';
import type { CheckpointStore } from '../store/checkpointStore';
import type { SessionId } from '../store/types';

/**
 * The git commands that changed the repository (commits, branches, the index, stashes) in the steps a
 * rewind takes back: a rewind gives back files only and never touches `.git`, so the user is told
 * what git did that stays done.
 */

/** A step that ran git commands which changed the repository, as "git commit", in the order they ran (each once). */
export interface RepoStep {
  step: number;
  commands: string[];
}

/** Git's own options before the subcommand that take the next word as their value. */
const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--super-prefix', '--config-env']);

/** Subcommands that change the repository whatever their arguments. */
const ALWAYS = new Set(['add', 'am', 'checkout', 'cherry-pick', 'commit', 'init', 'merge', 'mv', 'pull', 'push', 'rebase', 'reset', 'revert', 'rm', 'switch', 'update-ref']);

/** Options of `git branch` and `git tag` that only list (a word after them is a pattern or a commit, not a new name). */
const LISTS = '-l|--list|--contains|--no-contains|--merged|--no-merged|--points-at|--sort|--format|--column|--no-column|--color|--no-color|-i|--ignore-case';
const LISTING: Record<string, RegExp> = {
  branch: new RegExp(`^(${LISTS}|-a|--all|-r|--remotes|-v|-vv|--verbose|--show-current|--abbrev|--no-abbrev)(=.*)?$`),
  // `git tag -a` annotates a new tag; -n prints the messages.
  tag: new RegExp(`^(${LISTS}|-n\\d*)(=.*)?$`),
};

/** Whether `git SUB ARGS` changes the repository (a `git log` or `git stash list` does not). */
function changesRepo(sub: string, args: readonly string[]): boolean {
  if (ALWAYS.has(sub)) return true;
  switch (sub) {
    case 'stash':
      return args[0] !== 'list' && args[0] !== 'show';
    case 'branch':
    case 'tag': {
      // A bare `git branch`, or with listing options only, lists; a name, or an option that deletes, moves or sets something, changes.
      const listing = LISTING[sub] as RegExp;
      return args.some((a) => !a.startsWith('-')) ? !args.some((a) => listing.test(a)) : args.some((a) => !listing.test(a));
    }
    case 'restore':
      return args.some((a) => a === '--staged' || /^-[A-Za-z]*S/.test(a));
    case 'worktree':
      return args[0] !== undefined && args[0] !== 'list';
    default:
      return false;
  }
}

/**
 * The repository-changing git commands of one command line, as "git commit", each once, in order.
 * Best effort, as the shell reads it: each simple command (`shellCommands`), the program it runs in
 * the end (`finalProgram`: past assignments, wrappers, `xargs`; a shell's `-c` script and an `eval`
 * read again), git's own options (`-C dir`, `-c key=value`) skipped. A script file that runs git is not seen.
 */
export function repoChangingGit(commandLine: string, depth = 0): string[] {
  const found: string[] = [];
  const add = (names: readonly string[]) => names.forEach((n) => found.includes(n) || found.push(n));
  for (const command of shellCommands(commandLine)) {
    const run = finalProgram(command);
    if (run === undefined) continue;
    // A script within a script: a few levels are all a command line ever nests.
    if ('script' in run) {
      if (depth < 4) add(repoChangingGit(run.script, depth + 1));
      continue;
    }
    if (!/(^|\/)git$/.test(run.program)) continue;
    const words = run.args;
    let i = 0;
    while (i < words.length && (words[i] as string).startsWith('-')) i += GIT_VALUE_OPTIONS.has(words[i] as string) ? 2 : 1;
    const sub = words[i];
    if (sub !== undefined && changesRepo(sub, words.slice(i + 1))) add([`git ${sub}`]);
  }
  return found;
}

/**
 * The steps after `step` whose run_command calls ran git commands that changed the repository, in
 * step order. Reads the journal back from its end to `step` only (a rewind of the last few steps reads
 * a few events). A call counts once it started (one turned down never ran); its last plan is the input
 * that ran (the user may have edited it).
 */
export async function repoCommandsAfter(store: CheckpointStore, id: SessionId, step: number): Promise<RepoStep[]> {
  const started = new Set<string>();
  const ran = new Map<string, { step: number; seq: number; command: string }>();
  for await (const e of store.readEvents(id, { reverse: true })) {
    if (e.step <= step) break;
    const d = e.data as { callId?: unknown } | null;
    if (!d || typeof d.callId !== 'string') continue;
    if (e.type === 'tool_started') started.add(d.callId);
    // Read backwards: the first plan met is the last one made.
    if (e.type !== 'tool_planned' || ran.has(d.callId)) continue;
    const p = e.data as ToolPlannedData;
    const command = (p.input as { command?: unknown } | null)?.command;
    if (p.name === 'run_command' && typeof command === 'string') ran.set(d.callId, { step: e.step, seq: e.seq, command });
  }
  const steps = new Map<number, string[]>();
  for (const [callId, r] of [...ran].sort(([, a], [, b]) => a.seq - b.seq)) {
    if (!started.has(callId)) continue;
    const git = repoChangingGit(r.command);
    if (git.length === 0) continue;
    const list = steps.get(r.step) ?? [];
    steps.set(r.step, [...list, ...git.filter((g) => !list.includes(g))]);
  }
  return [...steps].map(([s, commands]) => ({ step: s, commands }));
}
