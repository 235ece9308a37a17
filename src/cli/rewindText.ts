import { posix } from 'node:path';
import type { RewindMemory } from '../core/checkpoints/checkpointEvents';
import { type RewindFilePlan, type RewindPlan, type UndoPlan, keptWords, linkWords, targetName } from '../core/checkpoints/rewindPlan';
import { laterName, memoryWaiting } from '../core/checkpoints/rewindRecords';
import type { MemoryVersion } from '../core/memory/memoryTypes';
import { moreFiles, needsLook, previewShown } from '../core/checkpoints/rewindWords';
import { count } from '../core/util/plural';
import { err, out, terminalLine } from './terminalText';

/** The CLI's words for rewinds and their undos: the preview of each file, and what was left alone. */

const MAX_PREVIEW_SYMBOLS = 8;

/**
 * A rewind's or undo's preview: what happens to each file, and why it may not. Past PREVIEW_FILES
 * files (a step that checked out another branch), those that need a look first, and the rest counted
 * as the editor's preview does; `all`: every file.
 */
export function printPlan(files: readonly RewindFilePlan[], overwrite: readonly string[] = [], all = false): void {
  const changes = files.filter((f) => f.action !== 'none');
  if (changes.length === 0) out('no file changes\n');
  // A move whose way back is a file edited outside the session waits on it: named too.
  const waitsOn = (f: RewindFilePlan) => f.movedFrom !== undefined && files.some((g) => g.path === f.movedFrom && g.conflict);
  const { named, rest, byAction } = all ? { named: changes, rest: 0, byAction: '' } : previewShown(changes, (f) => needsLook(f) || waitsOn(f));
  for (const f of named) {
    const waits = f.movedFrom !== undefined && waitsOn(f) ? `  (the way back of a move: ${overwrite.includes(f.movedFrom) ? `goes with --overwrite ${f.movedFrom}` : `kept unless --overwrite ${f.movedFrom}`})` : '';
    const outside = `${f.fromHash === null ? 'deleted' : 'edited'} outside the session: ${overwrite.includes(f.path) ? 'overwritten, as --overwrite asks' : 'kept unless --overwrite'}`;
    const why = f.link !== undefined ? `  (${linkWords(f.path, f.link)}: never written through; remove the link, then rewind again)` : f.keptFor !== undefined ? `  (${keptWords(f.path, f.keptFor)})` : `${f.conflict ? `  (${outside})` : waits}${f.restorable ? (f.fromGit ? '  (contents from git: the session kept them by hash only)' : '') : '  (kept by hash only: not restorable)'}`;
    const mode = `${f.replacesDir ? `  (in place of the folder ${f.path}, emptied by this rewind)` : ''}${f.setExec === undefined ? '' : f.setExec ? '  (execute bit set)' : '  (execute bit cleared)'}`;
    // The reasons name paths and link targets too: each stays on the file's row.
    out(`${(f.keptFor !== undefined ? 'keep' : f.action).padEnd(7)} ${terminalLine(f.path)}${terminalLine(mode + why)}\n`);
    for (const line of f.symbols.slice(0, MAX_PREVIEW_SYMBOLS)) out(`          ${line}\n`);
    if (f.symbols.length > MAX_PREVIEW_SYMBOLS) out(`          and ${count(f.symbols.length - MAX_PREVIEW_SYMBOLS, 'more symbol change')}\n`);
  }
  if (rest) out(`${moreFiles(rest, byAction)}: add --all to list every file\n`);
}

/** The folders a rewind's outcome names, and the files an undo leaves to a later rewind's undo; past that, the rest is counted (a checkout of another branch makes hundreds). */
const NAMED = 10;

/** "; removed the folders it emptied that the session had made: a, b and 3 more" (`all`: every one named); empty without any. */
export function removedLine(dirs: readonly string[] | undefined, targetStep: number, all = false): string {
  if (!dirs?.length) return '';
  const shown = all ? dirs : dirs.slice(0, NAMED);
  const more = dirs.length > shown.length ? ` and ${(dirs.length - shown.length).toLocaleString('en-US')} more` : '';
  return `; removed the folders it emptied that ${targetStep === 0 ? 'the session' : `steps after ${targetStep}`} had made: ${shown.map(terminalLine).join(', ')}${more}`;
}

/**
 * An undo's files that a later rewind wrote again (left for now: `UndoPlan.laterRewound`), one line
 * each; past NAMED, the rest counted (`all`: every one).
 */
export function printLater(later: readonly { path: string; targetStep: number | undefined }[] = [], all = false): void {
  const shown = all || later.length <= NAMED ? later : later.slice(0, NAMED);
  for (const l of shown) out(`  later  ${terminalLine(l.path)}: rewound again by ${laterName([l.targetStep])}; undo that one first, then this undo gives it back\n`);
  const rest = later.slice(shown.length);
  if (rest.length === 0) return;
  const steps = rest.map((l) => l.targetStep);
  const them = new Set(steps).size > 1 ? 'those' : 'that one';
  out(`  later  … and ${count(rest.length, 'more file')}: rewound again by ${laterName(steps)}; undo ${them} first, then this undo gives them back (--all lists them)\n`);
}

/** The long-term memory writes a conversation rewind takes back with the conversation (see LongTermMemory.previewRevert), one line each. */
export function printMemoryPreview(writes: readonly MemoryVersion[], targetStep: number): void {
  if (writes.length === 0) return;
  out(`also takes back ${count(writes.length, 'long-term memory write')} this session made ${targetStep === 0 ? 'since it started' : `after ${targetName(targetStep)}`}:\n`);
  for (const v of writes) {
    const text = v.entry ? v.entry.text.replace(/\s+/g, ' ').trim() : '';
    out(`memory  ${v.op.padEnd(6)} ${v.id}${text ? `  ${text.length > 80 ? `${text.slice(0, 79)}…` : text}` : ''}\n`);
  }
}

/**
 * The end of a rewind's preview (nothing written yet): where the conversation goes back to when the
 * step asked for never finished, and what the rewind still needs (--message from a step that ended the session) or --yes.
 */
export function previewEnd(plan: RewindPlan, asked: number, hasMessage: boolean): string {
  const c = plan.conversation;
  const back = c && c.step !== asked ? `step ${asked} never finished: the conversation goes back to ${c.step === 0 ? 'its start' : `the end of step ${c.step}`}\n` : '';
  if (c?.ended && !hasMessage) return `${back}${targetName(c.step)} ended the session: add --message TEXT (what the new session goes on with) to rewind the conversation to it\n`;
  return `${back}nothing written: add --yes to rewind (a safety checkpoint lets you undo it)\n`;
}

/** How many long-term memory writes an undo brings back: those its memory reverts took back, but those waiting for a later rewind's undo (`memoryWaiting`). */
export async function writesTakenBack(memory: RewindMemory | undefined, plan: Pick<UndoPlan, 'memoryReverts' | 'laterMemory'>): Promise<number> {
  if (!memory?.listReverts || plan.memoryReverts.length === 0) return 0;
  const waiting = await memoryWaiting(memory, plan.memoryReverts, plan.laterMemory ?? []);
  const ids = plan.memoryReverts.filter((id) => !waiting.has(id));
  return (await memory.listReverts()).filter((r) => ids.includes(r.revertId)).reduce((n, r) => n + r.versions.length, 0);
}

/** "; kept a.ts (edited outside the session); kept b.ts (where a move put it: its way back is kept); not restorable: logo.png (kept by hash only); kept cfg (a symlink in the way)" */
export function keptLine(r: { skipped: readonly string[]; notRestorable: readonly string[]; linked: readonly string[]; moveKept?: readonly string[] }): string {
  const moved = r.moveKept ?? [];
  const names = (paths: readonly string[]) => paths.map(terminalLine).join(', ');
  const edited = r.skipped.filter((p) => !r.notRestorable.includes(p) && !r.linked.includes(p) && !moved.includes(p));
  return `${edited.length ? `; kept ${names(edited)} (edited outside the session)` : ''}${moved.length ? `; kept ${names(moved)} (where a move put it: its way back is kept)` : ''}${r.notRestorable.length ? `; not restorable: ${names(r.notRestorable)} (kept by hash only)` : ''}${r.linked.length ? `; kept ${names(r.linked)} (a symlink in the way: never written through)` : ''}`;
}

/**
 * The --overwrite paths as the plan names its files (`./a.ts`, `a\b.ts`, `a.ts/` come to `a.ts`);
 * one that names no file the plan finds changed outside the session is said to be ignored on stderr,
 * never dropped silently.
 */
export function overwritePaths(given: readonly string[] | undefined, files: readonly RewindFilePlan[]): string[] {
  const conflicts = new Set(files.filter((f) => f.conflict).map((f) => f.path));
  const out: string[] = [];
  for (const g of given ?? []) {
    const p = posix.normalize(g.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/+$/, '');
    if (conflicts.has(p)) out.push(p);
    else err(`--overwrite ${g}: not a file changed outside the session here (${conflicts.size ? `those are: ${[...conflicts].map(terminalLine).join(', ')}` : 'there are none'}); ignored\n`);
  }
  return out;
}
