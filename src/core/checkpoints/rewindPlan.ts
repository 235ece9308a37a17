import { type LinkOnWay, type Workspace, WorkspaceError } from '../ports/workspace';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, SessionId } from '../store/types';
import { laterFirst, laterMemoryReverts, leftToUndo, rewoundLater } from './rewindRecords';
import { type Unsettled, unsettledOf } from './rewindLeftovers';
import { stepEndedAt } from './rewindFolders';
import { CheckpointError, type RewindData, type RewindMode, type RewoundFile, readJournal, requireStep } from './checkpointEvents';
import { DEFAULT_MAX_DIFF_CHARS, type DiskFile, aliasNames, boundedDiff, readDisk, storedContents } from './fileContents';
import { keepPlanReads } from './plannedReads';
import { type FileHistory, type KnownState, buildFileHistory, readTouchEvents, touchEventsOf } from './fileHistory';
import { stepBoundary } from './fork';
import { directoryNow, linkWords, symbolChanges } from './planText';
import { type KeptForMove, keepBlockedMoves, keepCaseTwins } from './blockedMoves';
import { linksAt, withBit } from './historyLinks';
import type { Outliner } from '../runner/stepEffects';
import { type ContentSource, recalledContents } from './contentSource';

export type FileAction = 'restore' | 'delete' | 'create' | 'none';

export interface RewindFilePlan {
  path: string;
  action: FileAction;
  /** The disk now (null: absent). */
  fromHash: BlobHash | null;
  /** What the file will hold (null: deleted). */
  toHash: BlobHash | null;
  /** The disk differs from what the session last wrote: someone changed it outside the session. */
  conflict: boolean;
  /** The file has unsaved changes in an editor (`markUnsaved`): asked about as a conflict is, never written without the user's OK. */
  unsaved?: true;
  /**
   * The target contents are in the store. False for a version a command produced that the capture
   * kept by hash only (binary or too large): such a file is reported and never written. True with
   * `fromGit`: those contents were found in the user's git (`PlanOptions.fromGit`), verified against the hash.
   */
  restorable: boolean;
  fromGit?: true;
  /**
   * The path, or a folder on its way, is a symlink now: a rewind never writes through a link (its
   * target may be a file the session never touched) nor replaces one, so the file is left as it is,
   * whatever `overwriteConflicts` says. Removing the link lets a later rewind bring the file back.
   */
  link?: LinkOnWay;
  /**
   * 'delete' left alone: the file is where a move of the session put it, and the move's way back (the
   * path it came from) is blocked by `link`: deleted, the file would have no copy on disk. Removing
   * the link lets a later rewind take the whole move back.
   */
  keptFor?: KeptForMove;
  /**
   * 'delete' that takes back a move of the session: the path the file goes back to. Left alone when
   * that path is not written (a conflict the user keeps): the file would have no copy on disk.
   */
  movedFrom?: string;
  /** 'delete': the file on disk has an execute bit (the safety checkpoint keeps it for the undo). */
  fromExec?: true;
  /** 'create': the file is created with an execute bit, as it had at the target. */
  toExec?: true;
  /** 'delete': the file's permission bits on disk (the undo gives them back). */
  fromMode?: number;
  /** 'create': the file's permission bits when the session deleted it (a file tool's deletion records them). */
  toMode?: number;
  /** 'restore': the execute bit is set (true) or cleared (false), as it was at the target; alone when the contents are the same. */
  setExec?: boolean;
  /** The path is this symlink now, one the session itself made (a rewind's or undo's): removed or replaced, never written through. */
  fromLink?: string;
  /** The path becomes this symlink again ('create' or 'restore'): at the target it was a link, which the session's delete_file removed. */
  toLink?: string;
  /**
   * 'create' where a folder is now that holds nothing but files this plan deletes (a command made
   * the file a folder): the folder goes once they are deleted, and the file takes its place.
   */
  replacesDir?: true;
  /** Unified diff disk now -> target, bounded; empty for 'none'. */
  diff: string;
  /**
   * With an outliner: what the change does to the file's symbols ("changed function `parse`"),
   * disk now -> target; empty for 'none', for files in other languages, and without an outliner.
   */
  symbols: string[];
}

export interface ConversationRewind {
  /** The step whose end the conversation goes back to (earlier than asked when that step never settled). */
  step: number;
  /** Seq of the last event kept: the fork's parent link. */
  seq: number;
  /** The conversation (message blobs) at that point. */
  messages: BlobHash[];
  /** That step ended the session: the fork needs a message to go on with (`ApplyOptions.message`). */
  ended?: true;
}

/** A preview: nothing is written until `applyRewind`. */
export interface RewindPlan {
  sessionId: SessionId;
  targetStep: number;
  mode: RewindMode;
  /** The journal head the plan was made at; applying fails with STALE if the session moved on. */
  headSeq: number;
  /** Every file the session touched (files and both modes); empty for conversation mode. */
  files: RewindFilePlan[];
  conversation?: ConversationRewind;
  /** Earlier rewinds and undos of the session a crash cut short: the apply removes the temporary files they left. */
  unsettled: Unsettled[];
  /** When the target step was over (`stepEndedAt`): a folder born later that the rewind empties is removed. */
  stepEndedAt?: number;
}

export interface UndoPlan {
  sessionId: SessionId;
  rewindId: string;
  headSeq: number;
  files: RewindFilePlan[];
  /** The folders the rewind made (removed once empty after the undo), and its files a later rewind wrote again (not undone): those wait for that one's undo. */
  madeDirs?: string[];
  laterRewound?: { path: string; targetStep: number | undefined }[];
  /** Which undo of the rewind this is (as `RewindUndoneData.part`). */
  part: number;
  /** Memory reverts the rewind made that no settled undo re-applied yet: this undo re-applies them (but those `memoryWaiting` holds back). */
  memoryReverts: string[];
  /** The memory reverts of later rewinds not undone yet (`laterMemoryReverts`). */
  laterMemory?: string[];
  /** As `RewindPlan.unsettled`. */
  unsettled: Unsettled[];
}

export interface PlanOptions {
  mode?: RewindMode;
  maxDiffChars?: number;
  /** Reads the symbols each file change touches, for the preview (`symbols`). */
  outliner?: Outliner;
  fromGit?: ContentSource;
}

/**
 * What rewinding the session to the end of `targetStep` would do. Reads only. Files: each file the
 * session touched goes back to the hash it had after that step; nothing else is ever looked at.
 * Conversation: where a fork continuing from that step would start. In `both` mode the files follow
 * the conversation's step, so that disk and fork agree. `fromGit`: where else contents kept by hash only may be.
 */
export async function planRewind(store: CheckpointStore, workspace: Workspace, sessionId: SessionId, targetStep: number, o: PlanOptions = {}): Promise<RewindPlan> {
  const mode = o.mode ?? 'files';
  // The apply commits the safety checkpoint (an undo's plan too): the store gets ready for it while the plan reads.
  store.prepareCommit?.();
  // Files only: the touch digests are enough. The conversation needs the whole journal.
  const journal = mode === 'files' ? undefined : await readJournal(store, sessionId);
  const touches = journal ? touchEventsOf(journal) : await readTouchEvents(store, sessionId);
  const history = buildFileHistory(touches.events, touches.lastStep);
  requireStep(sessionId, targetStep, history.lastStep);
  const boundary = journal ? stepBoundary(journal, targetStep) : undefined;
  // The step the rewind goes back to: a step that never settled (a crash, a question left open) goes back to the end of the one before.
  const ended = stepEndedAt(touches.events, boundary?.step ?? targetStep);
  const plan: RewindPlan = { sessionId, targetStep: boundary?.step ?? targetStep, mode, headSeq: touches.headSeq, files: [], unsettled: unsettledOf(touches.events), ...(ended !== undefined ? { stepEndedAt: ended } : {}) };
  if (boundary) plan.conversation = { step: boundary.step, seq: boundary.seq, messages: boundary.state.messages, ...(boundary.state.status === 'completed' ? { ended: true as const } : {}) };
  if (mode === 'conversation') return plan;
  const step = boundary?.step ?? targetStep;
  const wanted = (h: FileHistory): Wanted[] => {
    const known = h.execKnownAfter(step);
    const last = h.lastState(true);
    const lastExec = h.lastExec();
    const modes = h.deletedModesAfter(step);
    const links = linksAt(h, step, workspace.canMakeLinks?.() !== false);
    const ownLinks = h.ownLinks();
    return [...h.stateAfter(step)].map(([path, toHash]) => ({
      path,
      toHash,
      exec: known.get(path) === true,
      mode: withBit(modes.get(path), known.get(path)),
      execKnown: known.get(path),
      ownExec: lastExec.get(path),
      own: ownHashes(last.get(path)),
      ...(toHash !== null && links.has(path) ? { link: links.get(path) } : {}),
      ...(ownLinks.has(path) ? { ownLinks: ownLinks.get(path) } : {}),
    }));
  };
  plan.files = await planFiles(store, workspace, wanted(history), o);
  // Two of the session's paths that are one file (an older session's edit through a symlink): one history, when their changes chain.
  const aliases = history.chained(await aliasNames(workspace, plan.files.map((f) => ({ path: f.path, hash: f.link === undefined ? f.fromHash : (linkLeadsTo.get(f) ?? null) }))));
  const final = aliases.size > 0 ? history.renamed(aliases) : history;
  if (aliases.size > 0) plan.files = await planFiles(store, workspace, wanted(final), o);
  keepBlockedMoves(final, step, plan.files);
  await keepCaseTwins(workspace, plan.files);
  return plan;
}

/**
 * What undoing a rewind would do: each file it wrote goes back to what the disk held before (the
 * safety checkpoint). A file that no longer holds what the rewind wrote is a conflict.
 */
export async function planUndo(store: CheckpointStore, workspace: Workspace, sessionId: SessionId, rewindId: string, o: Omit<PlanOptions, 'mode'> = {}): Promise<UndoPlan> {
  store.prepareCommit?.();
  const { events: journal, headSeq } = await readTouchEvents(store, sessionId);
  const record = journal.find((e) => e.type === 'rewind' && (e.data as RewindData).rewindId === rewindId);
  const rewind = record?.data as RewindData | undefined;
  if (!record || !rewind) throw new CheckpointError('NOT_FOUND', `no rewind ${rewindId} in session ${sessionId}`);
  const { left: open, undoneBefore, parts, memoryLeft } = leftToUndo(journal, rewind);
  if (undoneBefore && open.length === 0 && memoryLeft.length === 0) throw new CheckpointError('INVALID', `rewind ${rewindId} was already undone`);
  const later = rewoundLater(journal, record.seq, open);
  const left = open.filter((f) => !later.has(f.path));
  if (open.length > 0 && left.length === 0 && memoryLeft.length === 0) throw laterFirst(open, later);
  const files = await planFiles(
    store,
    workspace,
    left.map((f: RewoundFile) => ({
      path: f.path,
      toHash: f.fromHash,
      exec: f.fromExec === true,
      mode: f.fromMode,
      ...(f.setExec !== undefined ? { execKnown: f.fromExec === true, ownExec: f.setExec } : {}),
      own: [f.toHash],
      ...(f.fromLink !== undefined ? { link: f.fromLink } : {}),
      ...(f.toLink !== undefined ? { ownLinks: [f.toLink] } : {}),
    })),
    o,
  );
  // Memory writes go back with the first undo that settles; a later one gives back only the files left (and the memory, after a crash).
  const laterMemory = memoryLeft.length ? laterMemoryReverts(journal, record.seq) : [];
  return { sessionId, rewindId, part: parts + 1, headSeq, files, memoryReverts: memoryLeft, ...(laterMemory.length ? { laterMemory } : {}), unsettled: unsettledOf(journal), ...(rewind.madeDirs?.length ? { madeDirs: rewind.madeDirs } : {}), ...(later.size ? { laterRewound: [...later].map(([path, targetStep]) => ({ path, targetStep })) } : {}) };
}

/**
 * The versions on disk that are surely the session's own: none when the last was found after a crash
 * (it may be the user's, made meanwhile: asked about), nor a user's version an undo gave back.
 */
function ownHashes(k: KnownState | undefined): (BlobHash | null)[] {
  if (!k || k.uncertain) return [];
  const last = k.notOwn ? [] : [k.hash];
  return k.inFlight !== undefined ? [...last, k.inFlight] : last;
}

interface Wanted {
  path: string;
  toHash: BlobHash | null;
  /** The target version has an execute bit (set on a file the rewind creates). */
  exec: boolean;
  /** The target version's permission bits, where recorded (given to a file the rewind creates). */
  mode?: number | undefined;
  /** The target's execute bit when it is known either way: set or cleared on a file that stays (undefined: its mode is left). */
  execKnown?: boolean;
  /** The execute bit the session itself last left there, where known: another one on disk is someone else's chmod. */
  ownExec?: boolean;
  /** Hashes the session itself left there: anything else on disk is someone else's edit. */
  own: (BlobHash | null)[];
  /** The target is this symlink (see `RewindFilePlan.toLink`). */
  link?: string;
  /** Symlinks the session itself left at the path: such a link on disk is not someone else's, and may be removed or replaced. */
  ownLinks?: string[];
}

/** For a path that is a symlink: the hash of what it leads to (null: nothing, or outside the workspace). */
const linkLeadsTo = new WeakMap<RewindFilePlan, BlobHash | null>();

async function planFiles(store: CheckpointStore, workspace: Workspace, wanted: Wanted[], o: Omit<PlanOptions, 'mode'>): Promise<RewindFilePlan[]> {
  const maxDiffChars = o.maxDiffChars ?? DEFAULT_MAX_DIFF_CHARS;
  // A path that is a symlink now is not read through (it may point anywhere): nothing is written to it.
  const links = await workspace.linksOnWay(wanted.map((w) => w.path)).catch(() => wanted.map(() => undefined));
  // The path itself a link the session made, or the very link the target is: removed or replaced as
  // an entry (never written through). Any other link is someone else's, and a barrier.
  const fromLink = wanted.map((w, i) => {
    const l = links[i];
    return l !== undefined && l.path === w.path && (w.ownLinks?.includes(l.to) === true || l.to === w.link) ? l.to : undefined;
  });
  const barrier = wanted.map((_, i) => links[i] !== undefined && fromLink[i] === undefined);
  // The disk first: only the files that change need their target contents from the store. A folder
  // where the target has no file is no file there (someone else's, left alone); where it has one, the rewind refuses.
  const absent = (path: string): DiskFile => ({ path, bytes: undefined, hash: null });
  // A folder where the target has a file may go, if the rewind empties it (checked below).
  const dirNow = new Set<number>();
  const disk = await Promise.all(
    wanted.map((w, i): Promise<DiskFile> =>
      links[i] !== undefined
        ? Promise.resolve(absent(w.path))
        : readDisk(workspace, w.path).catch((e: unknown) => {
            if (!WorkspaceError.is(e, 'IS_DIRECTORY') || (w.toHash !== null && w.link !== undefined)) return Promise.reject(directoryNow(e, w.path, w.link));
            if (w.toHash !== null) dirNow.add(i);
            return absent(w.path);
          }),
    ),
  );
  // What a link leads to, inside the workspace: only to recognise an older session's two names of one file (`aliasNames`).
  const through = await Promise.all(wanted.map((w, i) => (!barrier[i] ? undefined : readDisk(workspace, w.path).then((d) => d.hash, () => null))));
  // A target that is a link needs no contents; a file replacing the session's own link does.
  const changes = wanted.map((w, i) => !barrier[i] && w.link === undefined && (fromLink[i] !== undefined || (disk[i]?.hash ?? null) !== w.toHash));
  // A version the store has by hash only may be on disk under another of the session's paths (a move).
  const onDisk = new Map(disk.flatMap((d) => (d.hash !== null && d.bytes ? [[d.hash, d.bytes] as const] : [])));
  const { kept, stored } = await storedContents(store, wanted.map((w, i) => (changes[i] && w.toHash !== null && !onDisk.has(w.toHash) ? w.toHash : null)));
  const recalled = await recalledContents(o.fromGit, wanted.map((w) => w.path), wanted.map((w, i) => (changes[i] && !kept[i] && w.link === undefined ? w.toHash : null)));
  const targets = wanted.map((w, i) => (changes[i] && w.toHash !== null ? (onDisk.get(w.toHash) ?? stored[i] ?? recalled.get(i)) : undefined));
  // The execute bit of a file that is there, where it matters: one to delete (its undo re-creates
  // it), one whose target bit is known (a chmod to take back, with the contents or alone).
  // A file a link replaces is statted too: the undo writes it back with its bits.
  const statted = wanted.map((w, i) => links[i] === undefined && (disk[i]?.hash ?? null) !== null && (w.toHash === null || w.execKnown !== undefined || w.link !== undefined));
  const diskStat = await Promise.all(wanted.map((w, i) => (statted[i] ? workspace.stat(w.path).catch(() => undefined) : undefined)));
  const diskExec = wanted.map((_, i) => (statted[i] ? diskStat[i]?.executable === true : undefined));
  const setExec = wanted.map((w, i) => (w.toHash !== null && w.link === undefined && w.execKnown !== undefined && diskExec[i] !== undefined && diskExec[i] !== w.execKnown ? w.execKnown : undefined));
  const actions = wanted.map((w, i): FileAction => {
    if (barrier[i]) return w.toHash === null ? 'delete' : 'restore';
    const fromHash = disk[i]?.hash ?? null;
    if (w.link !== undefined) return fromLink[i] === w.link ? 'none' : fromLink[i] !== undefined || fromHash !== null ? 'restore' : 'create';
    if (fromLink[i] !== undefined) return w.toHash === null ? 'delete' : 'restore';
    if (fromHash === w.toHash) return setExec[i] === undefined ? 'none' : 'restore';
    return w.toHash === null ? 'delete' : fromHash === null ? 'create' : 'restore';
  });
  await folderEmptied(workspace, wanted, dirNow, actions, barrier);
  return wanted.map((w, i): RewindFilePlan => {
    const now = disk[i];
    const fromHash = now?.hash ?? null;
    const action = actions[i] as FileAction;
    const restorable = kept[i] === true || recalled.has(i);
    const modeOnly = action === 'restore' && fromHash === w.toHash;
    const set = setExec[i];
    const modeNote = set === undefined ? '' : `${w.path}: execute bit ${set ? 'set' : 'cleared'}${modeOnly ? ' (contents unchanged)' : ''}\n`;
    const entry = fromLink[i];
    const linkNote = entry !== undefined || w.link !== undefined ? `${w.path}: ${entry !== undefined ? `the symlink to ${entry}` : 'the file'} ${w.link !== undefined ? `is made a symlink to ${w.link} again` : w.toHash === null ? 'is removed' : 'is replaced by the file it was'}\n` : undefined;
    const dirNote = dirNow.has(i) ? `${w.path}: the folder ${w.path} goes (the files in it are deleted), and the file takes its place\n` : '';
    const diff = action === 'none' ? () => '' : dirNote ? () => `${dirNote}${boundedDiff(w.path, undefined, targets[i], maxDiffChars)}` : linkNote !== undefined && (w.link !== undefined || w.toHash === null) ? () => linkNote : modeOnly ? () => modeNote : restorable ? () => `${linkNote ?? ''}${modeNote}${boundedDiff(w.path, now?.bytes, targets[i], maxDiffChars)}` : () => `${w.path}: the contents to restore (${w.toHash}) were recorded by hash only\n`;
    const symbols = action === 'none' || modeOnly || !restorable || !o.outliner || w.link !== undefined ? () => [] : () => symbolChanges(o.outliner as Outliner, w.path, now?.bytes ?? null, targets[i] ?? null);
    // A file that goes (deleted, or replaced by a link) keeps its bits for the undo; a file that is
    // made new (created, or put in place of the session's own link) gets the target's bits.
    const goes = action === 'delete' || (action === 'restore' && w.link !== undefined && entry === undefined);
    const made = action === 'create' || (action === 'restore' && entry !== undefined && w.link === undefined);
    const execBits = {
      ...(diskExec[i] === true && (goes || set !== undefined) ? { fromExec: true as const } : {}),
      ...(made && w.exec && w.link === undefined ? { toExec: true as const } : {}),
      ...(goes && diskStat[i]?.mode !== undefined ? { fromMode: diskStat[i]?.mode as number } : {}),
      ...(made && w.mode !== undefined && w.link === undefined ? { toMode: w.mode } : {}),
      ...(set !== undefined && action === 'restore' ? { setExec: set } : {}),
      ...(entry !== undefined && action !== 'none' ? { fromLink: entry } : {}),
      ...(w.link !== undefined && action !== 'none' ? { toLink: w.link } : {}),
    };
    const link = barrier[i] ? links[i] : undefined;
    if (link !== undefined) {
      const note = () => `${linkWords(w.path, link)}: a rewind never writes through a link, nor replaces one. Remove the link, then rewind again.\n`;
      const f = lazy({ path: w.path, action, fromHash: null, toHash: w.toHash, conflict: false, restorable, link }, note, () => []);
      linkLeadsTo.set(f, through[i] ?? null);
      return f;
    }
    // A bit the session did not leave there (or cannot tell) is someone else's chmod: an edit too.
    const modeConflict = set !== undefined && (w.ownExec === undefined || diskExec[i] !== w.ownExec);
    // The session's own link is no one else's edit; the link the target is, found there, changes nothing.
    const conflict = action !== 'none' && (entry !== undefined ? w.ownLinks?.includes(entry) !== true : !w.own.includes(fromHash) || modeConflict);
    const f = lazy({ path: w.path, action, fromHash, toHash: w.toHash, conflict, restorable, ...(recalled.has(i) ? { fromGit: true as const } : {}), ...execBits, ...(dirNow.has(i) ? { replacesDir: true as const } : {}) }, diff, symbols);
    // A mode-only change writes the contents the file has (they are the target's).
    const bytes = modeOnly ? now?.bytes : targets[i];
    keepPlanReads(f, { contents: restorable ? bytes : undefined, disk: action !== 'none' && entry === undefined && !dirNow.has(i) ? (now?.bytes ?? null) : undefined });
    return f;
  });
}

/**
 * A folder where the target has a file (`dirNow`) goes only when it holds files this plan deletes,
 * and nothing else but folders: anything else in it is someone else's, and so is a folder without
 * any of the session's files (an empty one too). The rewind refuses then.
 */
async function folderEmptied(workspace: Workspace, wanted: readonly Wanted[], dirNow: ReadonlySet<number>, actions: readonly FileAction[], barrier: readonly boolean[]): Promise<void> {
  if (dirNow.size === 0) return;
  const deleted = new Set(wanted.flatMap((w, i) => (actions[i] === 'delete' && !barrier[i] ? [w.path] : [])));
  for (const i of dirNow) {
    const w = wanted[i] as Wanted;
    const listed = await workspace.list(w.path, { recursive: true, respectGitignore: false, limit: 1000 });
    const other = listed.entries.find((e) => e.type !== 'directory' && !deleted.has(e.path));
    if (other || listed.truncated || !listed.entries.some((e) => deleted.has(e.path))) {
      const held = other ? `, holding ${other.path}, which this rewind does not remove` : '';
      throw new CheckpointError('INVALID', `${w.path} was a file in this session and is a directory now${held}: a rewind does not replace a directory with a file. Move or remove the directory ${w.path}, then try again. Nothing was changed.`);
    }
  }
}

/**
 * The plan's `diff` and `symbols`, computed on first read (then kept): the diffs were a quarter of a 20-file plan's
 * time in a fresh process, and applying a plan never reads them. Enumerable getters: the plan serializes as plain data.
 */
function lazy(f: Omit<RewindFilePlan, 'diff' | 'symbols'>, diffOf: () => string, symbolsOf: () => string[]): RewindFilePlan {
  let diff: string | undefined;
  let symbols: string[] | undefined;
  Object.defineProperty(f, 'diff', { enumerable: true, configurable: true, get: () => (diff ??= diffOf()) });
  return Object.defineProperty(f, 'symbols', { enumerable: true, configurable: true, get: () => (symbols ??= symbolsOf()) }) as RewindFilePlan;
}

export { type RewindRecord, laterName, listRewinds, undoable } from './rewindRecords';
export { keptWords, linkWords, targetName } from './planText';
export { type Unsettled, removeCrashLeftovers, removeUnsettled, sweepCrashLeftovers } from './rewindLeftovers';
