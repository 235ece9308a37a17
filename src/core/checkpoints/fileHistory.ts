import type { MessageAddedData, ToolResultData, ToolStartedData } from '../runner/runEvents';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, JournalEvent, SessionId, SessionSummary } from '../store/types';
import type { RewindData, RewindSettledData, RewindUndoneData } from './checkpointEvents';
import { CheckpointError, readJournal } from './checkpointEvents';
import { TOUCH_DIGEST } from './touchDigest';
import { sideEffectTouches } from './sideEffectTouches';
import { lastStateOf } from './lastKnownState';

/** applied: the result says it ran; not_applied: error or skipped; in_flight: started, no result (a crash). */
export type TouchOutcome = 'applied' | 'not_applied' | 'in_flight';

/**
 * One change of one file: by a file tool (`tool`, from the intent record), by a command or anything
 * else the change capture saw during a call (`command`, from the result's side effects), or by a
 * rewind (or its undo) done on the session's behalf.
 */
export interface FileTouch {
  path: string;
  /** The step (model turn) of the event. */
  step: number;
  /** Seq of the `tool_started` (for side effects: `tool_result`; or `rewind` / `rewind_undone`) event. */
  seq: number;
  /** The tool call id, or the rewind id. */
  callId: string;
  kind: 'tool' | 'command' | 'rewind' | 'undo';
  beforeHash: BlobHash | null;
  afterHash: BlobHash | null;
  /** Whether the file had / has an execute bit on that side; undefined: not known (a file tool's edit, which keeps the mode). */
  beforeExec?: boolean;
  afterExec?: boolean;
  /** A deletion (by a file tool, or a command's deletion, move, or link put in its place): the file's permission bits before it (POSIX). */
  beforeMode?: number;
  /** The path was this symlink before the touch (a file tool deleted the link, or a rewind removed or replaced it). */
  beforeLink?: string;
  /** A rewind or undo made the path this symlink. */
  afterLink?: string;
  /** The two halves of a rename a command made: the old path's touch names the new path, the new path's the old one. */
  movedTo?: string;
  movedFrom?: string;
  /** A command's change found at a resume after a crash: it may be someone else's made meanwhile (see SideEffect.uncertain). */
  uncertain?: true;
  outcome: TouchOutcome;
}

/** What the session knows a file holds. */
export interface KnownState {
  path: string;
  hash: BlobHash | null;
  /**
   * An edit in flight at a crash, or the version a rewind (or undo) replaces, whose renames a crash
   * may have stopped: the file may hold this instead (both are the session's own).
   */
  inFlight?: BlobHash | null;
  /** The last change was found after a crash and may be someone else's: not surely the session's own version. */
  uncertain?: true;
  /** `hash` is a user's version that a rewind overwrote with their OK and its undo gave back: theirs, not the session's own. */
  notOwn?: true;
}

/** The last version of a file the model was shown (read_file), and where in the journal. */
export interface SeenState {
  path: string;
  /** null: the model was told the file was gone. */
  hash: BlobHash | null;
  seq: number;
  step: number;
  /** Seen through a drift note (what changed while the session was away), not read by the model. */
  told?: true;
}

export class FileHistory {
  private readonly byPath = new Map<string, FileTouch[]>();

  constructor(
    readonly touches: readonly FileTouch[],
    /** The step of the journal's last event. */
    readonly lastStep: number,
    /** Per path, the last version the model read (reads are not touches: a rewind never restores them). */
    readonly seen: ReadonlyMap<string, SeenState> = new Map(),
  ) {
    for (const t of touches) {
      const list = this.byPath.get(t.path) ?? [];
      list.push(t);
      this.byPath.set(t.path, list);
    }
  }

  /**
   * The same history with paths renamed: names that are one file (a symlink and its target) merge
   * into one history, in journal order. The model's last read of the merged file is the latest one.
   */
  renamed(names: ReadonlyMap<string, string>): FileHistory {
    const seen = new Map<string, SeenState>();
    for (const s of this.seen.values()) {
      const name = names.get(s.path) ?? s.path;
      const prev = seen.get(name);
      if (!prev || prev.seq <= s.seq) seen.set(name, { ...s, path: name });
    }
    const touches = this.touches.map((t) => {
      const name = names.get(t.path);
      return name === undefined ? t : { ...t, path: name };
    });
    return new FileHistory(touches, this.lastStep, seen);
  }

  /**
   * Of `names` (a path -> the name it would merge into), the ones whose merged history is one
   * unbroken chain: each change starts from the version the one before it left. Two files the user
   * made one afterwards (CLAUDE.md replaced by a link to AGENTS.md) have two chains that do not meet,
   * and must stay two histories, or a rewind would write one file's contents into the other. So do
   * the two ends of a move (`mv src src2 && ln -s src2 src`): their halves chain, but are two paths.
   */
  chained(names: ReadonlyMap<string, string>): Map<string, string> {
    const groups = new Map<string, Set<string>>();
    for (const [path, name] of names) groups.set(name, (groups.get(name) ?? new Set([name])).add(path));
    const out = new Map<string, string>();
    for (const [name, members] of groups) {
      if ([...members].some((p) => this.touchesOf(p).some((t) => t.movedTo !== undefined && members.has(t.movedTo)))) continue;
      let prev: FileTouch | undefined;
      let unbroken = true;
      for (const t of this.touches) {
        if (!members.has(t.path) || t.outcome !== 'applied') continue;
        // One rewind (or call) that wrote both names of the file is one change.
        if (prev && prev.callId === t.callId && prev.beforeHash === t.beforeHash && prev.afterHash === t.afterHash) continue;
        if (prev && t.beforeHash !== prev.afterHash) unbroken = false;
        prev = t;
      }
      if (unbroken) for (const path of members) if (path !== name) out.set(path, name);
    }
    return out;
  }

  /** Every path a call of the session changed or planned to change, in order of first touch. */
  get paths(): string[] {
    return [...this.byPath.keys()];
  }

  touchesOf(path: string): readonly FileTouch[] {
    return this.byPath.get(path) ?? [];
  }

  /**
   * For each touched path, the hash it had at the end of `step` by the session's calls (rewinds do
   * not count: steps are the model's history). Before the first touch: that touch's beforeHash.
   */
  stateAfter(step: number): Map<string, BlobHash | null> {
    const out = new Map<string, BlobHash | null>();
    for (const [path, list] of this.byPath) {
      const tools = list.filter(byCall);
      let hash = tools[0]?.beforeHash ?? null;
      for (const t of tools) if (t.step <= step && t.outcome === 'applied') hash = t.afterHash;
      out.set(path, hash);
    }
    return out;
  }

  /**
   * The touched paths whose file has an execute bit at the end of `step` (as `stateAfter`): what a
   * rewind sets again on a file it re-creates. Observed bits come first: a command's capture records
   * both sides (a mode-only change too), a file tool records the bit of a file it deletes. A file
   * tool's edit keeps the mode, so across one the bit is the same before and after (known from either
   * side), as long as the history is unbroken (the edit started from the version the last change left).
   * Where nothing was observed (a file a tool created, or one from before these bits were recorded),
   * the file has none.
   */
  execAfter(step: number): Set<string> {
    return new Set([...this.execKnownAfter(step)].flatMap(([path, exec]) => (exec ? [path] : [])));
  }

  /**
   * The execute bit the session's own changes (calls, rewinds, undos) last left on each path that
   * exists, where known: a different bit on disk was set by someone else. A new file without a
   * recorded bit has none; a change that records none keeps the mode it found.
   */
  lastExec(): Map<string, boolean> {
    const out = new Map<string, boolean>();
    for (const t of [...this.touches].sort((a, b) => a.seq - b.seq)) {
      if (t.outcome !== 'applied') continue;
      if (t.afterHash === null) out.delete(t.path);
      else if (t.afterExec !== undefined) out.set(t.path, t.afterExec);
      else if (t.beforeHash === null) out.set(t.path, false);
    }
    return out;
  }

  /**
   * As `execAfter`, for the paths whose bit is known at the end of `step`, either way: what a
   * rewind sets or clears on a file that exists (a `chmod` it takes back). A path missing here is
   * left with the mode it has.
   */
  execKnownAfter(step: number): Map<string, boolean> {
    const out = new Map<string, boolean>();
    for (const [path, list] of this.byPath) {
      const calls = list.filter(byCall);
      const applied = calls.filter((t) => t.outcome === 'applied');
      // Slot 0: before the first change; slot k: after the k-th applied change.
      const seen: (boolean | undefined)[] = [calls[0]?.beforeExec];
      // keeps[k]: the k-th change kept the mode of the version before it.
      const keeps = [false];
      let prev = calls[0]?.beforeHash ?? null;
      for (const [i, t] of applied.entries()) {
        // The latest observation of a slot wins (the bit may have changed without a recorded change).
        if (t.beforeExec !== undefined) seen[i] = t.beforeExec;
        seen.push(t.afterHash === null ? false : t.afterExec);
        keeps.push(t.afterHash !== null && t.beforeHash !== null && t.afterExec === undefined && t.beforeHash === prev);
        prev = t.afterHash;
      }
      for (let k = 1; k < seen.length; k++) if (seen[k] === undefined && keeps[k]) seen[k] = seen[k - 1];
      for (let k = seen.length - 1; k > 0; k--) if (seen[k - 1] === undefined && keeps[k]) seen[k - 1] = seen[k];
      const at = applied.filter((t) => t.step <= step).length;
      const known = seen[at];
      if (known !== undefined) out.set(path, known);
    }
    return out;
  }

  /**
   * The permission bits of the files the session deleted after `step` (by a file tool, or by a
   * command: a deletion, a move, or a link put in its place), as the first such deletion of each path found them: what a
   * rewind to `step` gives a file it re-creates. A file deleted before this was recorded is not here
   * (it gets the default mode, with its execute bit as `execKnownAfter` says).
   */
  deletedModesAfter(step: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [path, list] of this.byPath) {
      const first = list.find((t) => byCall(t) && t.outcome === 'applied' && t.step > step && (t.afterHash === null || t.afterLink !== undefined));
      if (first?.beforeMode !== undefined) out.set(path, first.beforeMode);
    }
    return out;
  }

  /**
   * The symlinks the session's file tools deleted after `step` whose state at `step` they were (the
   * deletion's before is the version `stateAfter(step)` gives): a rewind to `step` makes the link
   * again, not a file holding what it led to.
   */
  deletedLinksAfter(step: number): Map<string, string> {
    const out = new Map<string, string>();
    const at = this.stateAfter(step);
    for (const [path, list] of this.byPath) {
      const first = list.find((t) => byCall(t) && t.outcome === 'applied' && t.step > step && t.afterHash === null);
      if (first?.beforeLink !== undefined && first.beforeHash === at.get(path)) out.set(path, first.beforeLink);
    }
    return out;
  }

  /**
   * Per path, the symlinks on disk that are the session's own, which a later rewind or undo may
   * remove or replace: the one its last applied change there left (a rewind or undo that made it),
   * and the one that change removed or replaced, if a rewind or undo (its record is committed before
   * its renames: after a crash between the two, that link is still there, as `lastState`'s inFlight).
   */
  ownLinks(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [path, list] of this.byPath) {
      const last = list.filter((t) => t.outcome === 'applied').at(-1);
      const inFlight = last && (last.kind === 'rewind' || last.kind === 'undo') ? last.beforeLink : undefined;
      const links = [last?.afterLink, inFlight].filter((l): l is string => l !== undefined);
      if (links.length > 0) out.set(path, links);
    }
    return out;
  }

  /**
   * What the session last saw or wrote for each touched path. With `includeRewinds` (default), the
   * writes of rewinds and undos count as the session's own (conflict detection), but for a user's
   * version an undo gave back (`notOwn`); without, only the calls do (what the model last saw).
   */
  lastState(includeRewinds = true): Map<string, KnownState> {
    const out = new Map<string, KnownState>();
    for (const [path, list] of this.byPath) {
      const relevant = includeRewinds ? list : list.filter(byCall);
      if (relevant.length > 0) out.set(path, lastStateOf(path, relevant));
    }
    return out;
  }
}

const byCall = (t: FileTouch): boolean => t.kind === 'tool' || t.kind === 'command';

/**
 * The file history of a session's journal (pure). `events` may be the whole journal or its touch
 * digests (touchDigest.ts), which carry the same fields; `lastStep` is then the journal's, given.
 */
export function buildFileHistory(events: readonly JournalEvent[], lastStep = events[events.length - 1]?.step ?? 0): FileHistory {
  const touches: FileTouch[] = [];
  const seen = new Map<string, SeenState>();
  // Open tool touches by call id, settled by the next tool_result of that call.
  const open = new Map<string, FileTouch[]>();
  for (const e of events) {
    if (e.type === 'tool_started') {
      const d = e.data as ToolStartedData;
      const list = (d.mutations ?? []).map(
        (m): FileTouch => ({
          path: m.path,
          step: e.step,
          seq: e.seq,
          callId: d.callId,
          kind: 'tool',
          beforeHash: m.beforeHash as BlobHash | null,
          afterHash: m.afterHash as BlobHash | null,
          ...(m.beforeExec !== undefined ? { beforeExec: m.beforeExec } : {}),
          ...(m.beforeMode !== undefined ? { beforeMode: m.beforeMode } : {}),
          ...(m.beforeLink !== undefined ? { beforeLink: m.beforeLink } : {}),
          outcome: 'in_flight',
        }),
      );
      touches.push(...list);
      open.set(d.callId, list);
    } else if (e.type === 'tool_result') {
      const d = e.data as ToolResultData;
      const applied = !d.isError && d.recovered !== 'skipped';
      for (const t of open.get(d.callId) ?? []) {
        t.outcome = applied ? 'applied' : 'not_applied';
        // Merged with an outside change at resume: the file went from the outside version to the merge.
        const m = d.merged?.find((x) => x.path === t.path);
        if (m) {
          t.beforeHash = m.beforeHash as BlobHash | null;
          t.afterHash = m.afterHash as BlobHash | null;
        }
      }
      open.delete(d.callId);
      touches.push(...sideEffectTouches(e, d));
      if (!d.isError) for (const f of d.seen ?? []) seen.set(f.path, { path: f.path, hash: f.hash as BlobHash, seq: e.seq, step: e.step });
    } else if (e.type === 'message_added') {
      const d = e.data as MessageAddedData;
      for (const f of d.seen ?? []) seen.set(f.path, { path: f.path, hash: f.hash as BlobHash | null, seq: e.seq, step: e.step, told: true });
    } else if (e.type === 'rewind' || e.type === 'rewind_undone') {
      const d = e.data as RewindData | RewindUndoneData;
      const kind = e.type === 'rewind' ? 'rewind' : 'undo';
      for (const f of d.files) {
        const afterExec = f.setExec ?? (f.toExec ? true : undefined);
        const links = { ...(f.fromLink !== undefined ? { beforeLink: f.fromLink } : {}), ...(f.toLink !== undefined ? { afterLink: f.toLink } : {}) };
        touches.push({ path: f.path, step: e.step, seq: e.seq, callId: d.rewindId, kind, beforeHash: f.fromHash, afterHash: f.toHash, outcome: 'applied', ...(afterExec !== undefined ? { afterExec } : {}), ...links });
      }
    } else if (e.type === 'rewind_settled') {
      // A file the record lists but left alone at the last moment was never written.
      const d = e.data as RewindSettledData;
      const kind = d.undo ? 'undo' : 'rewind';
      for (const t of touches) if (t.kind === kind && t.callId === d.rewindId && d.notWritten.includes(t.path)) t.outcome = 'not_applied';
    }
  }
  return new FileHistory(touches, lastStep, seen);
}

/** The events that bear on files, with where the journal ends. */
export interface TouchEvents {
  events: JournalEvent[];
  /** Seq and step of the journal's last event (of any type). */
  headSeq: number;
  lastStep: number;
}

/**
 * The events the file history reads: the store's touch digests when it kept them for the whole
 * session (a few hundred small records), the whole journal otherwise (an older session, or a
 * damaged digest). Throws NOT_FOUND for an unknown session and DAMAGED as `readJournal` does.
 */
export async function readTouchEvents(store: CheckpointStore, id: SessionId): Promise<TouchEvents> {
  const summary = await store.getSession(id);
  if (!summary) throw new CheckpointError('NOT_FOUND', `no session ${id} in this workspace`);
  const digests = await store.readDigests(id, TOUCH_DIGEST.version);
  if (digests) return { events: digests, headSeq: summary.headSeq, lastStep: await lastStepOf(store, summary) };
  return touchEventsOf(await readJournal(store, id));
}

/** A whole journal as the events the file history reads (it reads what it needs of each). */
export function touchEventsOf(journal: JournalEvent[]): TouchEvents {
  const last = journal[journal.length - 1];
  return { events: journal, headSeq: last?.seq ?? 0, lastStep: last?.step ?? 0 };
}

/** The step of the session's last event: kept in the session row, read from the journal for older rows. */
export async function lastStepOf(store: CheckpointStore, summary: SessionSummary): Promise<number> {
  if (summary.lastStep !== undefined || summary.headSeq === 0) return summary.lastStep ?? 0;
  for await (const e of store.readEvents(summary.id, { reverse: true, limit: 1 })) {
    if (e.seq !== summary.headSeq) throw new CheckpointError('DAMAGED', `session ${summary.id}: the journal ends at event ${e.seq} of ${summary.headSeq}`);
    return e.step;
  }
  throw new CheckpointError('DAMAGED', `session ${summary.id}: the journal is empty, the index says ${summary.headSeq} events`);
}

export async function loadFileHistory(store: CheckpointStore, id: SessionId): Promise<FileHistory> {
  const t = await readTouchEvents(store, id);
  return buildFileHistory(t.events, t.lastStep);
}
