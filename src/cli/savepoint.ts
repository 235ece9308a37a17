#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { taskOf } from './taskInput';
import { existing, symbolsOf } from './appLookups';
import type { ApprovalAnswer } from '../core/ports/approvalGate';
import { type CompactedData, approvalKind } from '../core/runner/runEvents';
import { StreamedText } from './agentText';
import type { RunOutcome } from '../core/runner/runner';
import { RunnerError, SessionJournal } from '../core/runner/sessionJournal';
import { StoreError } from '../core/store/errors';
import type { ListSessionsOptions, SessionId, SessionPage } from '../core/store/types';
import { type ApprovalMode, CliApprovalGate } from './cliApprovalGate';
import { type CliEnv, defaultStoreDir } from './cliEnv';
import type { Composed } from './compose';
import { readListSnapshot } from '../core/store/listSnapshot';
import { allSessions } from '../core/store/allSessions';
import { formatMemoryList, formatMemoryReverts, formatMemoryShow } from '../core/memory/memoryFormat';
import { type MemoryId, MemoryError } from '../core/memory/memoryTypes';
import { describeEvent } from '../core/runner/timeline';
import { CheckpointError, type RewindMode } from '../core/checkpoints/checkpointEvents';
import { forkSession } from '../core/checkpoints/fork';
import { applyRewind, undoRewind } from '../core/checkpoints/rewind';
import { listRewinds, planRewind, planUndo, targetName, undoable } from '../core/checkpoints/rewindPlan';
import { repoCommandsAfter } from '../core/checkpoints/repoCommands';
import { forkGitNote, gitNote } from '../core/checkpoints/rewindWords';
import { keptLine, overwritePaths, previewEnd, printLater, printMemoryPreview, printPlan, removedLine, writesTakenBack } from './rewindText';
import { count } from '../core/util/plural';
import { errCode } from '../core/util/errCode';
import { USAGE, UsageError, budgetsOf, checkTakes, checkWorkspace, modelLimits, parseCommandLine, parseJson, positiveSeconds, sessionArg, stepArg, takesSession } from './cliArgs';
import { resolveSessionArg } from './sessionPrefix';
import { CTRL_C, SIGTERM_STOP } from '../core/runner/stopReasons';
import { err, jsonLine, out, terminalLine } from './terminalText';
import { SETTINGS_FILE, cliSettings } from './workspaceSettings';
import { resumeBudgets } from './resumeBudgets';
import { listLine } from './listLine';
import { showCommand, stepsArg } from './showCommand';

async function main(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseCommandLine(argv);
  const [command, ...rest] = positionals;
  if (o.help || !command) {
    out(USAGE);
    return command || o.help ? 0 : 2;
  }
  checkTakes(command, rest, o);
  const budgets = budgetsOf(o);
  const mode = (o.approvals ?? (process.stdin.isTTY ? 'prompt' : 'park')) as ApprovalMode;
  if (!['prompt', 'park', 'yes'].includes(mode)) throw new UsageError(`--approvals must be prompt, park or yes`);
  const env: CliEnv = {
    workspace: resolve(o.workspace ?? process.cwd()),
    ...(o.store ? { store: resolve(o.store) } : {}),
    ...(o['base-url'] ? { baseUrl: o['base-url'] } : process.env.ANTHROPIC_BASE_URL ? { baseUrl: process.env.ANTHROPIC_BASE_URL } : {}),
    ...(o['check-command'] ? { checkCommand: o['check-command'], diagnoseSteps: o['no-step-checks'] !== true } : {}),
    ...(o['check-command-timeout'] !== undefined ? { checkTimeoutSeconds: positiveSeconds(o['check-command-timeout'], 'check-command-timeout') } : {}),
    ...modelLimits(o['stream-idle-seconds'], o['max-continuations']),
    // A rewind's preview names the symbols each file change touches, and `outline` reads a version no step outlined: they need the outliner too.
    // Not a rewind or undo told to go ahead (--yes): the symbols help decide, and loading tree-sitter
    // and parsing every file twice was most of such a command's time.
    codeAware: command === 'run' || command === 'resume' || ((command === 'rewind' || command === 'undo-rewind') && o.yes !== true) || command === 'outline' || (command === 'approve' && o.resume === true),
    // A files-only rewind touches no memory (a conversation rewind takes back the writes after its step).
    memory: command === 'run' || command === 'resume' || command === 'approve' || command === 'memory' || (command === 'rewind' && (o.mode ?? 'files') !== 'files') || command === 'undo-rewind',
    runs: ['run', 'resume', 'approve', 'uncompact', 'pin', 'unpin'].includes(command),
    // `memory` without `forget` only reads too: what a session running in another terminal remembers can be looked at meanwhile.
    readsOnly: ['list', 'show', 'export', 'diff', 'outline', 'compacted'].includes(command) || (command === 'memory' && rest[0] !== 'forget'),
  };
  if ((command === 'run' || command === 'resume') && !env.baseUrl && !process.env.ANTHROPIC_API_KEY) {
    throw new UsageError('set ANTHROPIC_API_KEY (or --base-url for another Anthropic-compatible endpoint)');
  }
  checkWorkspace(command, env.workspace);
  // A run reads the workspace's .vscode/settings.json as the editor does, the command line being the user's word (see cliSettings).
  const settings = ['run', 'resume', 'approve'].includes(command) ? cliSettings(env.workspace, { models: o.model, budgets, maxContinuations: env.maxContinuations, streamIdleSeconds: env.streamIdleMs && env.streamIdleMs / 1000, checkCommand: o['check-command'], baseUrl: env.baseUrl }) : undefined;
  if (settings) {
    for (const n of settings.notes) err(`savepoint: ${SETTINGS_FILE}: ${n}\n`);
    Object.assign(env, { settings, maxContinuations: settings.maxContinuations, streamIdleMs: settings.streamIdleMs, memory: env.memory && settings.memory });
  }
  const storeDir = env.store ?? defaultStoreDir(env.workspace);
  // Opening makes a store: a command on a session (or `list`) in a workspace that has none (the wrong
  // folder, a mistyped --workspace) left an empty one behind, and said only "no session X".
  if (command !== 'run' && command !== 'memory' && command !== 'import' && !existsSync(storeDir)) {
    if (command === 'list') return 0;
    if (command === 'resume' && rest[0] === undefined) throw new UsageError('no unfinished session to resume');
    throw new StoreError('SESSION_NOT_FOUND', `no session ${sessionArg(rest[0], command)} in this workspace: ${env.workspace} has no sessions${env.store ? ` in ${storeDir}` : ''} (is --workspace${env.store ? ' or --store' : ''} right?)`);
  }
  if (command === 'list') {
    // A store at rest: the rows its last clean close left beside it, without opening LevelDB (see listSnapshot.ts).
    const rows = readListSnapshot(storeDir);
    if (rows) {
      const ids = new Set(rows.map((r) => r.id));
      for (const s of rows) out(`${listLine(s, ids)}\n`);
      return 0;
    }
  }
  // Loaded here, not at start-up: `list` from the rows at rest needs none of it.
  const { compose } = await import('./compose');
  // What the agent says is printed under each of its turns, once the turn is journaled (a retried answer once).
  const streamed = new StreamedText();
  const app = await compose(env, new CliApprovalGate(mode), {
    onEvent: (e) => (e.type === 'committed' ? printLines(streamed.lines(e.sessionId, e.events, describeEvent)) : e.type === 'queued' ? undefined : streamed.onModel(e.sessionId, e.event)),
  }).catch((e: unknown) => {
    // The store itself refuses (storeMeta.ts): a session written here in plain would sit among the editor's encrypted ones.
    if (StoreError.is(e, 'KEY_UNAVAILABLE')) throw new StoreError('KEY_UNAVAILABLE', `the sessions in ${storeDir} are encrypted (the editor's savepoint.store.encryptAtRest), and the command line has no key for them: open them in the editor. Nothing was changed.`, { cause: e });
    throw e;
  });
  if (app.store.readOnly) err("(another process, such as the editor, is using this workspace's sessions: showing them as they are now, from a copy)\n");
  const abort = new AbortController();
  // The journal names the signal: a SIGTERM (a timeout, a cancelled CI job) was recorded as the user's Ctrl+C.
  process.once('SIGINT', () => abort.abort(CTRL_C));
  process.once('SIGTERM', () => abort.abort(SIGTERM_STOP));
  try {
    // The temporary files of rewinds and writes a crash cut short (in an earlier run of the CLI, whose store
    // the editor never sees), at a command that runs a session or rewinds one (a preview too).
    if (['run', 'resume', 'rewind', 'undo-rewind', 'fork', 'approve'].includes(command)) await app.sweepLeftovers();
    // A run that was killed left its session "running": no rewind took it, and nothing could pause it.
    for (const s of await app.recoverInterrupted()) err(`session ${s} was left running by a process that stopped (killed or crashed): marked interrupted; nothing is lost, continue it with \`savepoint resume ${s}\`\n`);
    // The start of an id names the one session whose id begins so (as in `git`).
    if (takesSession(command) && rest[0]) rest[0] = await resolveSessionArg(app.store, rest[0]);
    switch (command) {
      case 'run': {
        const task = await taskOf(rest, err);
        const id = await app.runner.start({ task, models: settings?.models ?? ['claude-sonnet-4-6'], budgets: settings?.budgets ?? budgets, ...(settings ? { maxTokens: settings.maxTokens, policy: settings.policy } : {}) });
        err(`session ${id}\n`);
        return await reported(app, await app.runner.run(id, abort.signal));
      }
      case 'resume': {
        const id = (rest[0] as SessionId | undefined) ?? (await latestUnfinished(app.store.listSessions.bind(app.store)));
        if (!id) throw new UsageError('no unfinished session to resume');
        const unused = await resumeBudgets(app.store, app.runner, id, budgets);
        if (unused) err(`${unused}\n`);
        // --model given to a resume: the session asks it from now on (a model name corrected, or another chosen).
        return await reported(app, await app.runner.run(id, abort.signal, o.model?.length ? { models: o.model } : {}));
      }
      case 'list': {
        const all = await allSessions(app.store.listSessions.bind(app.store));
        const ids = new Set(all.map((r) => r.id));
        for (const s of all) out(`${listLine(s, ids)}\n`);
        return 0;
      }
      case 'show':
        return await showCommand(app, sessionArg(rest[0], 'show'), stepsArg(rest[1]));
      // Loaded here: an import's checks (a schema library) and an export's writer are much of the start-up of every other command.
      case 'export':
        return await (await import('./exportCommand')).exportCommand(app, await existing(app, sessionArg(rest[0], 'export')), o.out);
      case 'import':
        return await (await import('./importCommand')).importCommand(app, rest[0], o['as-new'] === true);
      case 'diff': {
        const id = sessionArg(rest[0], 'diff');
        const step = rest[1] === undefined ? undefined : stepArg(rest[1], 'diff');
        const { stepDiffs } = await import('../core/checkpoints/stepDiffs');
        const diffs = await stepDiffs(app.store, id, step === undefined ? {} : { step });
        if (diffs.length === 0) out(step === undefined ? 'the session changed no file\n' : `step ${step} changed no file\n`);
        for (const d of diffs) out(`## step ${d.step} · ${d.from ? `${terminalLine(d.from)} -> ` : ''}${terminalLine(d.path)} (${d.from ? 'moved by a command' : d.kind === 'command' ? 'changed by a command' : 'edit'})\n${d.diff}${d.diff.endsWith('\n') ? '' : '\n'}`);
        return 0;
      }
      case 'outline': {
        const id = sessionArg(rest[0], 'outline');
        const step = stepArg(rest[1], 'outline');
        // Loaded here: the outline records' schema library is a large part of the CLI's start-up.
        const { formatOutline, stepOutlines } = await import('../core/checkpoints/stepOutlines');
        for (const o of await stepOutlines(app.store, id, step, rest[2], { outliner: () => symbolsOf(app) })) out(formatOutline(o));
        return 0;
      }
      case 'rewind': {
        const id = sessionArg(rest[0], 'rewind');
        const step = stepArg(rest[1], 'rewind');
        const mode = (o.mode ?? 'files') as RewindMode;
        if (!['files', 'both', 'conversation'].includes(mode)) throw new UsageError('--mode must be files, both or conversation');
        if (o.message !== undefined && mode === 'files') throw new UsageError('--message goes with --mode both or conversation: a files-only rewind starts no new conversation');
        const outliner = await symbolsOf(app);
        const plan = await planRewind(app.store, app.workspace, id, step, { mode, fromGit: app.fromGit, ...(outliner ? { outliner } : {}) });
        // Checked at the preview too: an --overwrite that names no conflict is said to be ignored before --yes is added.
        const overwrite = overwritePaths(o.overwrite, plan.files);
        printPlan(plan.files, overwrite, o.all === true);
        if (plan.conversation && app.memory) printMemoryPreview(await app.memory.previewRevert(id, plan.conversation.seq), plan.targetStep);
        // What git did in the steps taken back stays done (a rewind never touches .git; a conversation rewind, a fork, not the files either).
        const git = (mode === 'conversation' ? forkGitNote : gitNote)(await repoCommandsAfter(app.store, id, plan.targetStep));
        // With --yes, said once, with the outcome.
        if (git && !o.yes) out(`${terminalLine(git)}\n`);
        if (!o.yes) {
          out(previewEnd(plan, step, o.message !== undefined));
          return 0;
        }
        const r = await applyRewind(app.store, app.workspace, plan, { overwriteConflicts: overwrite, ...(app.memory ? { memory: app.memory } : {}), ...(o.message !== undefined ? { message: o.message } : {}) });
        // The undo offered only when there is something to undo (a conversation rewind with no memory write to give back has none).
        const canUndo = (await listRewinds(app.store, id)).some((x) => x.rewindId === r.rewindId && undoable(x));
        out(`rewound ${count(r.written.length, 'file')}${keptLine(r)}${removedLine(r.removedDirs, plan.targetStep, o.all === true)}${r.memoryWritesUndone ? `; took back ${count(r.memoryWritesUndone, 'long-term memory write')}` : ''}${r.forkId ? `; the conversation continues in session ${r.forkId}` : ''}${(r.strayForksRemoved ?? []).map((s) => `; removed session ${s}, the fork an earlier attempt of this rewind left (with another message)`).join('')}\n${git ? `${terminalLine(git)}\n` : ''}${canUndo ? `undo: savepoint undo-rewind ${id} ${r.rewindId} --yes\n` : ''}`);
        return 0;
      }
      case 'undo-rewind': {
        const id = sessionArg(rest[0], 'undo-rewind');
        const open = (await listRewinds(app.store, id)).filter(undoable);
        const r = rest[1] === undefined ? open[0] : open.find((x) => x.rewindId === rest[1]);
        if (!r) throw new UsageError(rest[1] === undefined ? `session ${id} has no rewind left to undo` : `no rewind ${rest[1]} left to undo in session ${id}`);
        const outliner = await symbolsOf(app);
        const plan = await planUndo(app.store, app.workspace, id, r.rewindId, { fromGit: app.fromGit, ...(outliner ? { outliner } : {}) });
        const overwrite = overwritePaths(o.overwrite, plan.files);
        printPlan(plan.files, overwrite, o.all === true);
        printLater(plan.laterRewound, o.all === true);
        const back = await writesTakenBack(app.memory, plan);
        if (back) out(`also brings back ${count(back, 'long-term memory write')} the rewind took back\n`);
        if (!o.yes) {
          out(`nothing written: add --yes to undo the rewind to ${targetName(r.targetStep)}\n`);
          return 0;
        }
        const u = await undoRewind(app.store, app.workspace, plan, { overwriteConflicts: overwrite, ...(app.memory ? { memory: app.memory } : {}) });
        out(`rewind undone: ${count(u.written.length, 'file')} restored${keptLine(u)}${back ? `; brought back ${count(back, 'long-term memory write')}` : ''}\n`);
        return 0;
      }
      case 'fork': {
        const id = sessionArg(rest[0], 'fork');
        const step = stepArg(rest[1], 'fork');
        const words = rest.slice(2).join(' ').trim();
        // As rewind takes it (--message), or after the step: one or the other, never one dropped for the other.
        if (words && o.message !== undefined) throw new UsageError('fork takes one message: after the step, or with --message');
        const message = (o.message ?? words).trim();
        const fork = await forkSession(app.store, id, step, message ? { message } : {});
        const git = forkGitNote(await repoCommandsAfter(app.store, id, fork.parent?.step ?? step));
        out(`${fork.id}  ${terminalLine(fork.title)}\n${git ? `${terminalLine(git)}\n` : ''}continue it: savepoint resume ${fork.id}\n`);
        return 0;
      }
      case 'compacted': {
        const id = sessionArg(rest[0], 'compacted');
        const j = await SessionJournal.open(app.store, id);
        const wanted = rest[1] ?? j.state.compactions[j.state.compactions.length - 1]?.id;
        let found: CompactedData | undefined;
        for await (const e of app.store.readEvents(id)) if (e.type === 'compacted' && (!wanted || (e.data as CompactedData).compactionId === wanted)) found = e.data as CompactedData;
        if (!found) throw new UsageError(wanted ? `no compaction ${wanted} in session ${id}` : `session ${id} was never compacted`);
        out(`${found.compactionId}: ${found.replaced.length} messages, ~${found.tokensBefore} → ~${found.tokensAfter} tokens\n`);
        for (const h of found.replaced) {
          const m = await j.message(h);
          out(`\n## ${m.role}\n${typeof m.content === 'string' ? m.content : JSON.stringify(m.content, null, 1)}\n`);
        }
        return 0;
      }
      case 'uncompact': {
        // No compaction (or none by that id) to undo: nothing to act on, as undo-rewind says it (exit 2).
        const r = await app.runner.undoCompaction(await existing(app, sessionArg(rest[0], 'uncompact')), rest[1]).catch((e: unknown) => {
          throw RunnerError.is(e, 'NOT_FOUND') ? new UsageError(e.message) : e;
        });
        out(`${r.compactionId} undone: ${r.restored} messages restored\n`);
        return 0;
      }
      case 'pin':
      case 'unpin': {
        const fact = rest.slice(1).join(' ');
        const id = await existing(app, sessionArg(rest[0], command));
        if (!fact.trim()) throw new UsageError(`${command} needs the fact: savepoint ${command} SESSION "fact"`);
        // A fact that is not pinned: nothing to act on (exit 2), as for a rewind or an approval.
        await app.runner.pinFact(id, fact, command === 'unpin').catch((e: unknown) => {
          throw RunnerError.is(e, 'NOT_FOUND') ? new UsageError(e.message) : e;
        });
        out(`${command === 'pin' ? 'pinned' : 'unpinned'}: ${fact.trim()}\n`);
        return 0;
      }
      case 'memory':
        return await memoryCommand(app, rest);
      case 'approve': {
        const id = rest[0] as SessionId | undefined;
        if (!id) throw new UsageError('approve needs a session id');
        const j = await SessionJournal.open(app.store, id);
        const open = j.state.openApprovals[0];
        if (!open) throw new UsageError(`session ${id} is not waiting for an approval`);
        const answer: ApprovalAnswer =
          o.reject !== undefined
            ? { decision: 'reject', text: o.reject }
            : o.respond !== undefined
              ? { decision: 'respond', text: o.respond }
              : o.edit !== undefined
                ? { decision: 'edit', input: parseJson(o.edit) }
                : { decision: 'approve' };
        // The runner records the answer with what it entails (a raised budget, a stop, a reply to the
        // model), for this question only: later questions of the run are asked as any are.
        await app.runner.decide(id, open.approvalId, answer);
        if (!o.resume) return 0;
        return await reported(app, await app.runner.run(id, abort.signal, o.model?.length ? { models: o.model } : {}));
      }
      default:
        throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } finally {
    await app.close().catch(() => undefined);
  }
}

async function memoryCommand(app: Composed, args: string[]): Promise<number> {
  const memory = app.memory;
  if (!memory) throw new UsageError('long-term memory is not available');
  const [sub = 'list', ...more] = args;
  const arg = more.join(' ').trim();
  const origin = { sessionId: 'cli' as SessionId, seq: 0 };
  switch (sub) {
    case 'list':
      out(formatMemoryList(memory.list(), process.stdout.columns ?? 160));
      return 0;
    case 'show': {
      if (!arg) throw new UsageError('memory show needs an id (see savepoint memory list)');
      const [entry, history] = [memory.get(arg as MemoryId), await memory.history(arg as MemoryId)];
      // As `memory forget` says it (exit 1): "No such memory." with exit 0 read as found to a script.
      if (!entry && history.length === 0) throw new MemoryError('NOT_FOUND', `no memory ${arg} (savepoint memory list shows the ids)`);
      out(formatMemoryShow(entry, history));
      return 0;
    }
    case 'recall':
      out(formatMemoryList(memory.recall(arg, { limit: 20 }).map((h) => h.entry), process.stdout.columns ?? 160));
      return 0;
    case 'forget': {
      if (!arg) throw new UsageError('memory forget needs an id');
      await memory.forget(arg as MemoryId, origin);
      out(`forgotten: ${arg} (its versions stay in the history)\n`);
      return 0;
    }
    case 'reverts':
      out(formatMemoryReverts(await memory.listReverts()));
      return 0;
    default:
      throw new UsageError(`unknown memory command "${sub}": list, show ID, recall QUERY, forget ID, reverts`);
  }
}

async function latestUnfinished(list: (o: ListSessionsOptions) => Promise<SessionPage>): Promise<SessionId | undefined> {
  // A session with no record at all was never started (a crash while it was): nothing to resume.
  return (await allSessions(list)).find((s) => s.status !== 'completed' && s.headSeq > 0)?.id;
}

function printLines(lines: readonly string[]): void {
  for (const l of lines) err(`${l}\n`);
}

function report(r: RunOutcome, budget?: string): number {
  // Exact JSON for scripts, and inert on a terminal: a reason can quote a server's or a command's text.
  process.stdout.write(`${jsonLine(budget !== undefined ? { ...r, reason: budget } : r)}\n`);
  // A budget stopped it: 4, as --help says, not 3 (a call waiting for approval), so that a script can tell them apart.
  return r.status === 'completed' ? 0 : r.status === 'failed' ? 1 : r.status === 'waiting' && budget === undefined ? 3 : 4;
}

/** The outcome's exit code and line; a session waiting at a budget question gives its reason (the budget used). */
async function reported(app: Composed, r: RunOutcome): Promise<number> {
  const pending = r.status === 'waiting' ? (await app.store.getSession(r.sessionId))?.pendingApproval : undefined;
  return report(r, approvalKind(pending?.id) === 'budget' ? pending?.summary : undefined);
}

// A reader that stops early (`| head -1`) closes the pipe: the output ends there, the command does not.
// Left to throw, EPIPE killed the process with a stack trace, a rewind with --yes halfway through.
for (const out of [process.stdout, process.stderr]) {
  out.on('error', (e: unknown) => {
    if (errCode(e) !== 'EPIPE') throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      err(`savepoint: ${e.message}\n`);
      process.exitCode = 2;
    } else if (StoreError.is(e, 'LOCKED')) {
      err('savepoint: another process (an editor window or a CLI run) is using this workspace\'s sessions; try again when it is done\n');
      process.exitCode = 5;
    } else if (RunnerError.is(e) || StoreError.is(e) || e instanceof MemoryError || CheckpointError.is(e)) {
      err(`savepoint: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      err(`savepoint: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
