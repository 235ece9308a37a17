import { count } from '../util/plural';
import { needsOk } from './overwriteChoice';
import type { RewindResult, UndoResult } from './rewind';
import type { RewindMode } from './checkpointEvents';
import type { RepoStep } from './repoCommands';
import { type RewindFilePlan, type RewindPlan, keptWords, laterName, linkWords, targetName } from './rewindPlan';

/**
 * The words of a rewind's preview and of its outcome, as the editor shows them (plain strings, so
 * that what the preview promises and what the outcome reports can be checked without an editor).
 */

/** One line of a preview: what happens to the file, and why it may not. */
export const previewLine = (f: RewindFilePlan): string =>
  f.link !== undefined
    ? `${f.action} ${f.path} (${linkWords(f.path, f.link)}: never written through; remove the link, then rewind again)`
    : f.keptFor !== undefined
      ? `keep ${f.path} (${keptWords(f.path, f.keptFor)})`
      : `${f.action} ${f.path}${f.replacesDir ? ` (in place of the folder ${f.path}, emptied by this rewind)` : ''}${f.setExec === undefined ? '' : f.setExec ? ' (execute bit set)' : ' (execute bit cleared)'}${f.conflict ? (f.fromHash === null ? ' (deleted outside the session)' : ' (changed outside the session)') : ''}${f.unsaved ? ' (unsaved changes in an editor)' : ''}${f.restorable ? (f.fromGit ? ' (contents from git: the session kept them by hash only)' : '') : ' (kept by hash only: not restorable)'}${symbolsNote(f.symbols)}`;

/** Files a preview names one by one; past that, the rest is counted (the modal must fit the window). */
export const PREVIEW_FILES = 24;

/** A file the user should see named before saying yes: it will not simply be written. */
export const needsLook = (f: RewindFilePlan): boolean => f.conflict || !!f.unsaved || !f.restorable || f.link !== undefined || f.keptFor !== undefined || !!f.replacesDir;

/**
 * The files a preview of `changes` names, in the plan's order: all of them up to PREVIEW_FILES;
 * past that, those that need a look (`look`) first, then the others, PREVIEW_FILES - 1 in all, the
 * last line counting the rest by action (`byAction`: "2,900 delete, 100 restore"; `rest`: 0 when all are named).
 */
export function previewShown(changes: readonly RewindFilePlan[], look: (f: RewindFilePlan) => boolean = needsLook): { named: RewindFilePlan[]; rest: number; byAction: string } {
  if (changes.length <= PREVIEW_FILES) return { named: [...changes], rest: 0, byAction: '' };
  const shown = new Set([...changes.filter(look), ...changes.filter((f) => !look(f))].slice(0, PREVIEW_FILES - 1));
  const actions = new Map<string, number>();
  for (const f of changes) if (!shown.has(f)) actions.set(f.action, (actions.get(f.action) ?? 0) + 1);
  const byAction = [...actions].map(([a, n]) => `${n.toLocaleString('en-US')} ${a}`).join(', ');
  return { named: changes.filter((f) => shown.has(f)), rest: changes.length - shown.size, byAction };
}

/** "… and 2,977 more files (2,977 delete)": the last line of a preview that named only some (`previewShown`). */
export const moreFiles = (rest: number, byAction: string): string => `… and ${rest.toLocaleString('en-US')} more file${rest === 1 ? '' : 's'} (${byAction})`;

/**
 * The modal's detail: one line per file (`previewLine`), then the `extra` lines (memory writes,
 * files left for a later undo). After a step that changed thousands of files (a checkout of another
 * branch) it names the files that need a look first, then the others up to PREVIEW_FILES lines,
 * and counts the rest by action: the multi-file diff (Show Changes) has them all.
 */
export function previewDetail(changes: readonly RewindFilePlan[], extra: readonly string[] = []): string {
  const { named, rest, byAction } = previewShown(changes);
  // In the order of the plan, the ones that need a look among them.
  return [...named.map(previewLine), ...(rest ? [`${moreFiles(rest, byAction)}: Show Changes shows every file.`] : []), ...extra].join('\n');
}

/** The files an undo's preview names of those a later rewind wrote again; past that, the rest is counted (a checkout of another branch makes hundreds). */
export const LATER_NAMED = 10;

/**
 * An undo's files that a later rewind wrote again (left for now: `UndoPlan.laterRewound`), one line
 * each; past LATER_NAMED, the rest in one line that counts them (`all`: every one, for Show All).
 */
export function laterLines(later: readonly { path: string; targetStep: number | undefined }[] = [], all = false): string[] {
  const line = (steps: readonly (number | undefined)[]) => `rewound again by ${laterName(steps)} (undo ${new Set(steps).size > 1 ? 'those' : 'that one'} first)`;
  const shown = all || later.length <= LATER_NAMED ? later : later.slice(0, LATER_NAMED);
  const rest = later.slice(shown.length);
  return [...shown.map((l) => `${l.path}: left for now, ${line([l.targetStep])}`), ...(rest.length ? [`… and ${count(rest.length, 'more file')} left for now, ${line(rest.map((l) => l.targetStep))}: Show All lists them.`] : [])];
}

/** The symbols a file change touches, on the preview's line: "— changed function `parse`, added class `Cache`". */
function symbolsNote(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  const shown = lines.slice(0, 3).join(', ');
  return ` — ${shown}${lines.length > 3 ? `, and ${lines.length - 3} more` : ''}`;
}

/**
 * ", kept 2 edited outside the session, 1 not restorable (kept by hash only)" for what a rewind or its
 * undo left alone; with the plan's `files`, those kept for their unsaved changes in an editor are told apart.
 */
export function keptNote(r: { skipped: readonly string[]; notRestorable: readonly string[]; linked: readonly string[]; moveKept?: readonly string[] }, files: readonly RewindFilePlan[] = []): string {
  const moved = r.moveKept?.length ?? 0;
  const unsaved = files.filter((f) => f.unsaved && r.skipped.includes(f.path)).length;
  const edited = r.skipped.length - r.notRestorable.length - r.linked.length - moved - unsaved;
  return `${edited > 0 ? `, kept ${edited} edited outside the session` : ''}${unsaved > 0 ? `, kept ${unsaved} with unsaved changes in an editor` : ''}${moved > 0 ? `, kept ${moved} where a move put ${moved === 1 ? 'it' : 'them'} (the way back is kept)` : ''}${r.notRestorable.length ? `, ${r.notRestorable.length} not restorable (kept by hash only)` : ''}${r.linked.length ? `, kept ${r.linked.length} that a symlink is in the way of` : ''}`;
}

/**
 * "3 files will change", and how many only if the user picks them next (changed outside the session,
 * with a move that waits on one of those), and how many are kept whatever (a link in the way, contents
 * kept by hash only): the count says what the rewind will do, not what the plan lists.
 */
export function changeCount(changes: readonly RewindFilePlan[]): string {
  const conflicts = new Set(changes.filter(needsOk).map((f) => f.path));
  const kept = changes.filter((f) => !f.restorable || f.link !== undefined || f.keptFor !== undefined).length;
  const asked = changes.filter((f) => f.restorable && f.link === undefined && f.keptFor === undefined && (conflicts.has(f.path) || (f.movedFrom !== undefined && conflicts.has(f.movedFrom)))).length;
  const sure = changes.length - kept - asked;
  return [`${count(sure, 'file')} will change`, ...(asked ? [`${asked} more only if you choose to overwrite ${asked === 1 ? 'it' : 'them'} next`] : []), ...(kept ? [`${kept} cannot (shown below)`] : [])].join(', ');
}

/** ' in the folder "api"': where the files are, said when the workspace has several folders (`folder`, the session's). */
const inFolder = (folder: string | undefined): string => (folder === undefined ? '' : ` in the folder "${folder}"`);

/** Where a rewind or fork of a step that never finished goes back to: "the end of step 1", "before the session". */
const endOf = (step: number): string => (step === 0 ? 'before the session' : `the end of step ${step}`);

/** "git add, git commit and 2 more": a step's git commands, the first few named. */
function listed(commands: readonly string[]): string {
  const named = commands.length > 4 ? [...commands.slice(0, 3), `${commands.length - 3} more`] : commands;
  return named.length === 1 ? (named[0] as string) : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1] as string}`;
}

/** "step 12 ran git commit, step 14 ran git push": the steps named (a few, the rest counted); empty without any. */
function gitRan(steps: readonly RepoStep[]): string {
  const ran = steps.slice(0, 3).map((s) => `step ${s.step} ran ${listed(s.commands)}`);
  const more = steps.length > 3 ? `, and ${count(steps.length - 3, 'more step')} ran git commands too` : '';
  return `${ran.join(', ')}${more}`;
}

/** ", and what was pushed stays on the remote", when one of the steps pushed. */
const pushedNote = (steps: readonly RepoStep[]): string => (steps.some((s) => s.commands.includes('git push')) ? ', and what was pushed stays on the remote' : '');

/**
 * "step 12 ran git commit: commits, branches, the index and stashes are not rewound, only files":
 * what git did in the steps a rewind takes back, which stays done (a rewind never touches `.git`).
 * Empty when no such step ran a git command that changed the repository (`repoCommandsAfter`).
 */
export function gitNote(steps: readonly RepoStep[]): string {
  if (steps.length === 0) return '';
  return `${gitRan(steps)}: commits, branches, the index and stashes are not rewound, only files${pushedNote(steps)}`;
}

/**
 * The note of a fork from before steps that changed the repository: a fork goes back in the
 * conversation only, so what those steps did to the files and to git stays (`gitNote` for a rewind).
 */
export function forkGitNote(steps: readonly RepoStep[]): string {
  if (steps.length === 0) return '';
  return `${gitRan(steps)}: a fork takes back neither files nor git (the new session starts with the files, commits, branches, the index and stashes as they are now)${pushedNote(steps)}`;
}

/** `gitNote` as a sentence of a message (" Step 12 ran git commit: …."), empty without one. */
const gitSentence = (steps: readonly RepoStep[] = [], words: (steps: readonly RepoStep[]) => string = gitNote): string => {
  const note = words(steps);
  return note ? ` ${note.charAt(0).toUpperCase()}${note.slice(1)}.` : '';
};

/**
 * The question before a rewind: what changes on disk (files and both modes), in which folder when
 * there are several (`folder`), and where the conversation goes on (conversation and both modes: a
 * new session; nothing of this one is undone). `asked`: the step the user picked, when the plan goes
 * back further (it never finished): said why. `git`: the steps taken back that changed the repository
 * (files and both modes: said that git is not rewound; conversation: that neither files nor git are, as for a fork).
 */
export function rewindQuestion(mode: RewindMode, targetStep: number, changes: readonly RewindFilePlan[], o: { folder?: string; asked?: number; git?: readonly RepoStep[] } = {}): string {
  const at = targetName(targetStep);
  const files = `${changeCount(changes)}; only files this session touched, and a safety checkpoint lets you undo it.`;
  const why = o.asked !== undefined && o.asked !== targetStep ? ` Step ${o.asked} never finished (cut short, or stopped at a question), so this goes back to ${endOf(targetStep)}.` : '';
  const git = gitSentence(o.git);
  if (mode === 'files') return `Savepoint: rewind to ${at}${inFolder(o.folder)}? ${files}${git}${why}`;
  if (mode === 'conversation') return `Savepoint: rewind the conversation to ${at}? A new session goes on from ${at}; this session and the files stay as they are.${gitSentence(o.git, forkGitNote)}${why}`;
  return `Savepoint: rewind the files${inFolder(o.folder)} and the conversation to ${at}? ${files}${git} A new session goes on from ${at}; this one is kept as it is.${why}`;
}

/**
 * What Fork did: the new session, and the step it starts after (`step`; earlier than `asked` when that
 * step never finished, and said why). `git`: the later steps that changed the repository (`repoCommandsAfter`), said to stay done.
 */
export function forkedMessage(title: string, asked: number, step: number, git: readonly RepoStep[] = []): string {
  const why = asked !== step ? ` (step ${asked} never finished: cut short, or stopped at a question)` : '';
  return `Savepoint: new session "${title}" forked from ${targetName(step)}${why}; the original is unchanged.${gitSentence(git, forkGitNote)}`;
}

/**
 * What a rewind did, in one notification, and whether that notification offers its Undo: only when
 * the undo has something to give back (files written, memory writes taken back). A rewind that
 * changed nothing on disk (conversation only, or every file kept) says so instead of "rewound 0 files".
 * A conversation rewind names the new session, which is paused: the notification offers to resume it.
 * `git`: as for `rewindQuestion`.
 */
export function rewoundMessage(plan: Pick<RewindPlan, 'targetStep'> & { files?: readonly RewindFilePlan[]; mode?: RewindMode }, result: RewindResult, git: readonly RepoStep[] = []): { text: string; offerUndo: boolean; offerResume: boolean } {
  const at = targetName(plan.targetStep);
  const offerUndo = result.written.length > 0 || result.memoryWritesUndone > 0;
  const dirs = result.removedDirs ? `, removed ${count(result.removedDirs.length, 'emptied folder')} made ${plan.targetStep === 0 ? 'during the session' : `after ${at}`}` : '';
  const memory = result.memoryWritesUndone > 0 ? `, took back ${count(result.memoryWritesUndone, 'long-term memory write')}` : '';
  const files = result.written.length > 0 ? `rewound ${count(result.written.length, 'file')}` : 'no file was changed';
  const fork = result.forkId ? `; the conversation goes on from ${at} in a new session, ${result.forkTitle ? `"${result.forkTitle}", ` : ''}paused until you resume it (Resume It, or from the sidebar)` : '';
  const undo = offerUndo ? ' Undo it now or later with Savepoint: Undo a Rewind.' : '';
  return { text: `Savepoint: ${files}${keptNote(result, plan.files)}${dirs}${memory}${fork}.${gitSentence(git, plan.mode === 'conversation' ? forkGitNote : gitNote)}${undo}`, offerUndo, offerResume: result.forkId !== undefined };
}

/**
 * What Undo a Rewind did, in one notification (`memory`: it gave back long-term memory writes too).
 * Files kept (edited since) leave the rewind to undo: it says so, and how to give them back, instead
 * of "rewind undone" over an undo that changed nothing.
 */
export function undoneMessage(u: UndoResult, files: readonly RewindFilePlan[] = [], memory = false): string {
  const kept = keptNote(u, files).replace(/^, /, '');
  // Kept for an edit (on disk or in an editor): a later undo writes them once ticked. A link or a hash-only version stays kept.
  const tickable = u.skipped.length - u.notRestorable.length - u.linked.length;
  const them = tickable === 1 ? 'it' : 'them';
  const advice = tickable > 0 ? ` To give ${them} back${u.written.length > 0 || memory ? ' too' : ''}, run Savepoint: Undo a Rewind again and tick ${them}.` : '';
  const mem = memory ? '; the long-term memory writes it took back are restored' : '';
  if (u.skipped.length === 0) return `Savepoint: rewind undone (${u.written.length > 0 ? `${count(u.written.length, 'file')} restored` : 'no file to restore'}${mem}).`;
  if (u.written.length === 0 && !memory) return `Savepoint: the rewind was not undone: no file was changed (${kept}).${advice}`;
  return `Savepoint: rewind partly undone (${count(u.written.length, 'file')} restored, ${kept}${mem}).${advice}`;
}

/**
 * The question before Undo a Rewind (`folder`: as for `rewindQuestion`). A rewind that started a new
 * session (`mode` both or conversation) leaves it as it is when undone: said.
 */
export function undoQuestion(targetStep: number, changes: readonly RewindFilePlan[], o: { folder?: string | undefined; mode?: RewindMode } = {}): string {
  const fork = o.mode !== undefined && o.mode !== 'files' ? ' The new session it started stays as it is (delete it from the session list if you no longer want it).' : '';
  return `Savepoint: undo the rewind to ${targetName(targetStep)}${inFolder(o.folder)}? Files go back to what they held before the rewind: ${changeCount(changes)}.${fork}`;
}

/**
 * Why a conversation rewind cannot go on with `message` (blank): the step it goes back to ended the
 * session, and the new session needs to be told what to do. Undefined when it can. Checked on the
 * plan, before the preview: the fork that refuses it is made only after every question.
 */
export function messageMissing(plan: Pick<RewindPlan, 'conversation' | 'targetStep'>, message: string): string | undefined {
  if (!plan.conversation?.ended || message.trim()) return undefined;
  return `step ${plan.targetStep} ended the session, so the new session needs to be told what to do from there: rewind again and say it when asked "What should the new session do from there?". Nothing was changed.`;
}
