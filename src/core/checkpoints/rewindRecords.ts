import { count } from '../util/plural';
import type { CheckpointStore } from '../store/checkpointStore';
import type { JournalEvent, SessionId } from '../store/types';
import { CheckpointError, type RewindData, type RewindMemory, type RewindMode, type RewindUndoneData, type RewoundFile, recordKey, settlements } from './checkpointEvents';
import { readTouchEvents } from './fileHistory';
import { targetName } from './planText';

/**
 * The files of a rewind its undos have not given back yet: an undo that left a file alone (edited
 * since, and not to be overwritten) leaves it to a later undo, whose safety checkpoint still holds
 * what the file had before the rewind. Files the rewind itself did not write are not its to give back.
 */
export function leftToUndo(journal: readonly JournalEvent[], rewind: RewindData): { left: RewoundFile[]; undoneBefore: boolean; parts: number; memoryLeft: string[] } {
  const id = rewind.rewindId;
  const settled = settlements(journal);
  const done = new Set<string>();
  let parts = 0;
  let memoryLeft = rewind.memoryReverts ?? [];
  for (const e of journal) {
    if (e.type !== 'rewind_undone' || (e.data as RewindUndoneData).rewindId !== id) continue;
    const d = e.data as RewindUndoneData;
    parts++;
    for (const p of d.already ?? []) done.add(p);
    // An undo a crash cut short (a tag, no settlement) may not have written its files: a later undo
    // finds those it did already holding what it gives back, and says so (`already`). A record from
    // before settlements existed (no tag) wrote its files.
    const settlement = settled.get(recordKey('rewind_undone', id, d.part));
    // Memory: re-applied once the settlement says so. A record from before the field: the first undo
    // re-applied all of it, after its settlement; one with a tag and none stopped before (its memory is left).
    const reapplied = d.memoryReverts;
    if (reapplied !== undefined) memoryLeft = settlement?.memory ? memoryLeft.filter((r) => !reapplied.includes(r)) : memoryLeft;
    else if (parts === 1 && !(d.tag && !settlement)) memoryLeft = [];
    if (d.tag && !settlement) continue;
    for (const f of d.files) if (!settlement?.notWritten.includes(f.path)) done.add(f.path);
  }
  const notWritten = settled.get(recordKey('rewind', id))?.notWritten ?? [];
  return { left: rewind.files.filter((f) => !notWritten.includes(f.path) && !done.has(f.path)), undoneBefore: parts > 0, parts, memoryLeft };
}

/**
 * Of `files` (a rewind's, recorded at `seq`), those a later rewind of the session wrote again and no
 * undo of it gave back yet, with that rewind's target step (unknown in a digest written before it was kept). Undone now, such a file would be taken
 * for given back while the later rewind's undo then writes the first rewind's result again: it waits
 * for that undo (undos go in the reverse order of their rewinds, file by file).
 */
export function rewoundLater(journal: readonly JournalEvent[], seq: number, files: readonly RewoundFile[]): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  const wanted = new Set(files.map((f) => f.path));
  for (const e of journal) {
    if (e.type !== 'rewind' || e.seq <= seq) continue;
    const d = e.data as RewindData;
    for (const f of leftToUndo(journal, d).left) if (wanted.has(f.path) && !out.has(f.path)) out.set(f.path, d.targetStep);
  }
  return out;
}

/** The memory reverts of the rewinds recorded after `seq` that no undo has re-applied yet (see `memoryWaiting`). */
export function laterMemoryReverts(journal: readonly JournalEvent[], seq: number): string[] {
  return journal.flatMap((e) => (e.type === 'rewind' && e.seq > seq ? leftToUndo(journal, e.data as RewindData).memoryLeft : []));
}

/**
 * Of an undo's memory reverts, those that took back a version of an entry a later rewind (not undone)
 * took back too: re-applied now, the entry would come back while that rewind, which went back
 * further, is in force. As a file a later rewind wrote again, it waits for that rewind's undo.
 */
export async function memoryWaiting(memory: RewindMemory | undefined, ids: readonly string[], later: readonly string[]): Promise<Set<string>> {
  if (!memory?.listReverts || ids.length === 0 || later.length === 0) return new Set();
  const all = await memory.listReverts();
  const entries = (of: readonly string[]) => new Set(all.filter((r) => of.includes(r.revertId) && r.undoneAt === undefined).flatMap((r) => r.versions.map((v) => v.id)));
  const taken = entries(later);
  return new Set(ids.filter((id) => [...entries([id])].some((e) => taken.has(e))));
}

/**
 * The undo of a rewind whose every file a later rewind wrote again (`rewoundLater`) refuses, saying
 * which to undo first. After a big checkout that is hundreds of files: ten named, the rest counted.
 */
export function laterFirst(files: readonly RewoundFile[], later: ReadonlyMap<string, number | undefined>): CheckpointError {
  const one = files.length === 1;
  const named = files.length > 10 ? `${files.slice(0, 10).map((f) => f.path).join(', ')} and ${count(files.length - 10, 'more file')}` : files.map((f) => f.path).join(', ');
  const steps = [...later.values()];
  return new CheckpointError('INVALID', `${named} ${one ? 'was' : 'were'} rewound again by ${laterName(steps)}, which ${new Set(steps).size > 1 ? 'are' : 'is'} not undone: undo ${new Set(steps).size > 1 ? 'those' : 'that one'} first, then this one gives ${one ? 'it' : 'them'} back. Nothing was changed.`);
}

/** "the rewind to step 3", "the rewinds to step 3, the start", or "a later rewind" when a step is not known. */
export function laterName(steps: readonly (number | undefined)[]): string {
  const known = [...new Set(steps)];
  if (known.includes(undefined)) return known.length === 1 ? 'a later rewind' : 'later rewinds';
  return `the rewind${known.length > 1 ? 's' : ''} to ${known.map((s) => targetName(s as number)).join(', ')}`;
}

/** A rewind of a session, as the undo command lists them. */
export interface RewindRecord {
  rewindId: string;
  /** Seq of its journal event (the sidebar's Undo names a rewind by it). */
  seq: number;
  targetStep: number;
  mode: RewindMode;
  /** The files it wrote (the safety checkpoint holds what they held before). */
  files: string[];
  /** Of `files`, those no undo has given back yet (all of them until one is undone). */
  left: string[];
  /** The long-term memory reverts it made (a conversation rewind takes back the session's later memory writes); its undo re-applies them. */
  memoryReverts: string[];
  at: number;
  /**
   * Undone already, every file of it. An undo that left files alone (edited since) leaves the rewind
   * open for those: a later undo gives them back from the same safety checkpoint.
   */
  undone: boolean;
}

/** A rewind its undo still has something to give back for: files it wrote, or memory writes it took back. */
export const undoable = (r: RewindRecord): boolean => !r.undone && (r.left.length > 0 || r.memoryReverts.length > 0);

/**
 * Every rewind of the session, newest first, whether it was undone, and what it wrote. Read from the
 * touch digests where the store keeps them (what the undo plan reads too), with only the rewind
 * records themselves read whole for their mode and time: decoding the whole conversation was most of
 * a CLI rewind's time after its writes.
 */
export async function listRewinds(store: CheckpointStore, sessionId: SessionId): Promise<RewindRecord[]> {
  const { events: journal } = await readTouchEvents(store, sessionId);
  const whole = new Map<number, RewindData>();
  for (const e of journal) {
    if (e.type !== 'rewind' || ((e.data as Partial<RewindData>).mode !== undefined && (e.data as Partial<RewindData>).at !== undefined)) continue;
    for await (const full of store.readEvents(sessionId, { fromSeq: e.seq, toSeq: e.seq })) whole.set(full.seq, full.data as RewindData);
  }
  return journal
    .flatMap((e) => {
      if (e.type !== 'rewind') return [];
      const d = { ...(e.data as RewindData), ...whole.get(e.seq) };
      const notWritten = settlements(journal).get(recordKey('rewind', d.rewindId))?.notWritten ?? [];
      const { left, undoneBefore, memoryLeft } = leftToUndo(journal, d);
      return [
        {
          rewindId: d.rewindId,
          seq: e.seq,
          targetStep: d.targetStep,
          mode: d.mode,
          files: d.files.map((f) => f.path).filter((p) => !notWritten.includes(p)),
          left: left.map((f) => f.path),
          memoryReverts: d.memoryReverts ?? [],
          at: d.at,
          undone: undoneBefore && left.length === 0 && memoryLeft.length === 0,
        },
      ];
    })
    .reverse();
}
