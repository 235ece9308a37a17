import type { Workspace } from '../ports/workspace';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, SessionId } from '../store/types';
import { DEFAULT_MAX_DIFF_CHARS, DEFAULT_MAX_NOTE_CHARS, type DiskFile, aliasNames, blobsOf, boundedDiff, readDisk } from './fileContents';
import { type FileHistory, type KnownState, loadFileHistory } from './fileHistory';
import { linksOnDisk } from './historyLinks';
import { movedFiles } from './driftMoves';
import { type Outliner, fileSymbols } from '../runner/stepEffects';
import { count } from '../util/plural';

export type DriftKind = 'unchanged' | 'changed' | 'deleted' | 'created' | 'unreadable';

export interface FileDrift {
  path: string;
  kind: DriftKind;
  /** What the session last saw or wrote (null: absent). */
  knownHash: BlobHash | null;
  /** What the disk holds now (null: absent). */
  diskHash: BlobHash | null;
  /** Unified diff known -> now, bounded; absent when unchanged. */
  diff?: string;
  /** The disk holds what a rewind (or undo) of the session wrote: the user's doing, through Savepoint. */
  rewound?: boolean;
  /** With `rewound`: it was the undo of a rewind, which gave back what the file held before that rewind. */
  undone?: boolean;
  /** What the session knows of the file is a read (read_file), not a write of its own. */
  read?: boolean;
  /** The symbols the change outside added, removed or changed ("changed function `parse` in a.ts"), with an outliner. */
  symbols?: string[];
  /** Kind 'unreadable': why the path cannot be read now (it became a directory, a pipe, a link out of the workspace, no permission). */
  reason?: string;
  /** Kind 'deleted': the path the file was moved to outside the session, with the contents the session last knew. */
  movedTo?: string;
  /** With `keepBytes`, a file that drifted: what the disk holds now. */
  diskBytes?: Uint8Array;
  /**
   * A file this session never knew, which the session it was forked from changed after the fork
   * point: compared with what it held there (`knownHash`: null, it was not there).
   */
  sinceFork?: true;
}

export interface DriftOptions {
  /** A history already loaded (saves reading the journal twice). */
  history?: FileHistory;
  /**
   * Count rewinds and undos as the session's own writes. Default false: compare with what the MODEL
   * last saw (before a resume), so a rewind shows up as drift, marked `rewound`.
   */
  includeRewinds?: boolean;
  /** Cap of each file's diff. */
  maxDiffChars?: number;
  /** Reads the symbols of each drifted file on both sides, so the model is told which ones changed (waited for only if a file drifted). */
  outliner?: Outliner;
  /** Return the disk's bytes of each file that drifted (`diskBytes`), for a caller that keeps what it told the model. */
  keepBytes?: boolean;
}

export type Known = KnownState & { read?: boolean; sinceFork?: true };

/**
 * Per file, what the session last knew of it: its own last write, or a later read (read_file) of
 * it, and the files it only read. Reads after a write replace it: the model saw the file then.
 */
export function lastKnown(history: FileHistory, includeRewinds: boolean): Known[] {
  const out = new Map<string, Known>(history.lastState(includeRewinds));
  for (const [path, s] of history.seen) {
    const last = history.touchesOf(path).filter((t) => includeRewinds || t.kind === 'tool' || t.kind === 'command').at(-1);
    if (!last || last.seq < s.seq) out.set(path, { path, hash: s.hash, ...(s.told ? {} : { read: true }) });
  }
  return [...out.values()];
}

/**
 * Compares what the session last saw (read) or wrote of each file with the disk now. Reads only;
 * files the session never read or wrote are not looked at. An edit in flight at a crash counts as
 * unchanged whether or not it reached the disk.
 */
export async function detectDrift(store: CheckpointStore, workspace: Workspace, sessionId: SessionId, o: DriftOptions = {}): Promise<FileDrift[]> {
  const history = o.history ?? (await loadFileHistory(store, sessionId));
  const own = lastKnown(history, o.includeRewinds ?? false);
  const known = [...own, ...(await changedSinceFork(store, sessionId, new Set(own.map((k) => k.path))))];
  const written = history.lastState(true);
  // One path that cannot be read is reported as such; it must not hide what happened to the others.
  // A link the session left is compared as that link, never followed.
  const links = await linksOnDisk(workspace, history, known);
  const disk = await Promise.all(known.map((k, i) => links[i] ?? readDisk(workspace, k.path).catch((e: unknown) => ({ reason: e instanceof Error ? e.message : String(e) }))));
  const readable = (d: (typeof disk)[number] | undefined): d is DiskFile => d !== undefined && !('reason' in d);
  // Two of the session's paths that are one file (an older session's edit through a symlink): one history, when their changes chain.
  const aliases = history.chained(await aliasNames(workspace, disk.filter(readable)));
  if (aliases.size > 0) return detectDrift(store, workspace, sessionId, { ...o, history: history.renamed(aliases) });
  const drifted = known
    .map((k, i) => ({ k, d: disk[i] }))
    .filter((x): x is { k: Known; d: DiskFile } => readable(x.d) && x.d.hash !== x.k.hash && (x.k.inFlight === undefined || x.d.hash !== x.k.inFlight));
  // A version a command produced may be kept by hash only (binary, too large): no diff from it then.
  const kept = await Promise.all(drifted.map(({ k }) => (k.hash === null ? true : store.hasBlob(k.hash))));
  const before = await blobsOf(store, drifted.map(({ k }, i) => (kept[i] ? k.hash : null)));
  const diffs = new Map(
    drifted.map(({ k, d }, i) => [
      k.path,
      'link' in d
        ? `${k.path} is a symlink to ${String(d.link)} now\n`
        : kept[i]
        ? boundedDiff(k.path, before[i], d?.bytes, o.maxDiffChars ?? DEFAULT_MAX_DIFF_CHARS)
        : k.read
          ? `${k.path}: the version you read is too large to have been kept; no diff (read it again)\n`
          : `${k.path}: the earlier contents were recorded by hash only; no diff\n`,
    ]),
  );
  const symbols = new Map<string, string[]>();
  if (o.outliner && drifted.length > 0) {
    // An outliner loading in the background is waited for only when there is something to outline.
    await o.outliner.ready?.();
    for (const [i, { k, d }] of drifted.entries()) {
      if (!kept[i] || 'link' in d) continue;
      // The lines only: a drift note stores no outline.
      const lines = fileSymbols(o.outliner, { path: k.path, before: k.hash === null ? null : before[i], after: d?.bytes ?? null }).lines;
      if (lines.length) symbols.set(k.path, lines);
    }
  }
  const gone = known.flatMap((k, i) => {
    const now = disk[i];
    return k.hash !== null && readable(now) && now.hash === null && diffs.has(k.path) ? [{ path: k.path, hash: k.hash }] : [];
  });
  const moved = await movedFiles(workspace, gone, new Set([...known.map((k) => k.path), ...history.paths]));
  return known.map((k, i): FileDrift => {
    const now = disk[i];
    if (now && 'reason' in now) return { path: k.path, kind: 'unreadable', knownHash: k.hash, diskHash: null, reason: now.reason, ...(k.read ? { read: true } : {}) };
    const diskHash = now?.hash ?? null;
    const diff = diffs.get(k.path);
    const syms = symbols.get(k.path);
    const read = k.read ? { read: true } : {};
    if (diff === undefined) return { path: k.path, kind: 'unchanged', knownHash: k.hash, diskHash, ...read };
    const kind: DriftKind = diskHash === null ? 'deleted' : k.hash === null ? 'created' : 'changed';
    const last = history.touchesOf(k.path).at(-1);
    const rewound = (last?.kind === 'rewind' || last?.kind === 'undo') && written.get(k.path)?.hash === diskHash;
    const bytes = o.keepBytes && now?.bytes ? { diskBytes: now.bytes } : {};
    const undone = rewound && last?.kind === 'undo' ? { undone: true } : {};
    const movedTo = moved.get(k.path);
    return { path: k.path, kind, knownHash: k.hash, diskHash, diff, ...(movedTo !== undefined ? { movedTo } : {}), ...(rewound ? { rewound, ...undone } : {}), ...read, ...(syms ? { symbols: syms } : {}), ...bytes, ...(k.sinceFork ? { sinceFork: true as const } : {}) };
  });
}

/**
 * For a fork: the files its source changed after the fork point that the fork itself never read or
 * wrote (a fork leaves the files as they are), each as it was at the fork point, the state before
 * the source's first change of it after that point. Without them a fork resumed from step 3 of a
 * session that went on to create src/util.ts was never told the file is there. A fork of a fork is
 * told what each session up the chain changed after the point the next one was forked from it (the
 * nearest first: its first change is what the file held at the point). The chain stops at a source
 * that is gone or unreadable (telling is a courtesy); empty for a session that is no fork.
 */
async function changedSinceFork(store: CheckpointStore, sessionId: SessionId, known: ReadonlySet<string>): Promise<Known[]> {
  const first = new Map<string, Known>();
  const visited = new Set<string>([sessionId]);
  let parent = (await store.getSession(sessionId))?.parent;
  while (parent && !visited.has(parent.sessionId)) {
    visited.add(parent.sessionId);
    const from = await store.getSession(parent.sessionId);
    const source = from ? await loadFileHistory(store, parent.sessionId).catch(() => undefined) : undefined;
    if (!from || !source) break;
    for (const t of source.touches) {
      if (t.seq <= parent.seq || t.outcome === 'not_applied' || known.has(t.path) || first.has(t.path)) continue;
      first.set(t.path, { path: t.path, hash: t.beforeHash, sinceFork: true });
    }
    parent = from.parent;
  }
  return [...first.values()];
}

export interface DescribeOptions {
  /** Cap of the whole text (default 12,000 characters). */
  maxChars?: number;
}

/**
 * Text for the model about files changed outside the session, or undefined when nothing drifted.
 * Bounded: diffs are already cut per file, and the whole text stops at `maxChars` with a count of
 * the files left out.
 */
export function describeDrift(drift: readonly FileDrift[], o: DescribeOptions = {}): string | undefined {
  return driftNote(drift, o)?.text;
}

/** `describeDrift`'s text, and the files it names (the ones left out of it are only counted). */
export function driftNote(drift: readonly FileDrift[], o: DescribeOptions = {}): { text: string; told: FileDrift[] } | undefined {
  const max = o.maxChars ?? DEFAULT_MAX_NOTE_CHARS;
  const changed = drift.filter((d) => d.kind !== 'unchanged');
  if (changed.length === 0) return undefined;
  let text = changed.some((d) => d.sinceFork)
    ? 'While you were away, files were changed outside this session: files you worked on or read, or files the session this one was forked from changed after the point it was forked at. Take this into account before editing them or relying on what you read.\n'
    : 'While you were away, files you worked on or read were changed outside the session. Take this into account before editing them or relying on what you read.\n';
  const told: FileDrift[] = [];
  for (const [i, d] of changed.entries()) {
    const head = d.kind === 'unreadable'
      ? `\n${d.path} can no longer be read as a file (${d.reason ?? 'unknown reason'}); it was changed outside the session.\n`
      : d.sinceFork
      ? `\n${d.path} was ${d.kind === 'deleted' ? 'deleted' : d.kind === 'created' ? 'created' : 'changed'} after the point this session was forked at (by the session it was forked from, or outside it)${d.kind === 'deleted' ? '.' : ':'}\n`
      : d.rewound
      ? `\n${d.path} was ${d.undone ? 'given back by the user, who undid a rewind, to what it held before that rewind' : 'rewound by the user to an earlier checkpoint'}${d.kind === 'deleted' ? ', which deleted it.' : ':'}\n`
      : d.kind === 'deleted' && d.movedTo !== undefined
        ? `\n${d.path} was moved outside the session to ${d.movedTo}, its contents unchanged${d.read ? ' (you had read it)' : ''}: use the new path.\n`
      : d.kind === 'deleted'
        ? `\n${d.path} was deleted outside the session${d.read ? ' (you had read it)' : ''}.\n`
        : d.kind === 'created'
          ? `\n${d.path} was created outside the session:\n`
          : d.read
            ? `\n${d.path} was changed outside the session since you read it:\n`
            : `\n${d.path} was changed outside the session:\n`;
    const noDiff = d.kind === 'deleted' || d.kind === 'unreadable';
    const symbols = d.symbols?.length && !noDiff ? `${d.symbols.join('\n')}\n` : '';
    const body = noDiff ? '' : `${symbols}\`\`\`diff\n${d.diff ?? ''}\`\`\`\n`;
    // Room is kept for naming the files after this one, should their diffs not fit (up to a quarter of the note).
    const later = changed.slice(i + 1).reduce((n, f) => n + f.path.length + 2, 0);
    const reserve = later > 0 ? Math.min(Math.floor(max / 4), later + 80) : 0;
    if (text.length + head.length + body.length > max - reserve) {
      const keep = Math.max(80, reserve);
      const fits = text.length + head.length <= max - keep;
      if (fits && !noDiff) text += `${head}${symbols && text.length + head.length + symbols.length <= max - keep ? symbols : ''}(diff left out: too long)\n`;
      else if (fits) text += head;
      if (fits) told.push(d);
      const left = changed.slice(fits ? i + 1 : i);
      if (left.length > 0) text += leftOutLine(left, max - text.length);
      return { text, told };
    }
    text += head + body;
    told.push(d);
  }
  return { text, told };
}

/**
 * The files a note had no room for: counted, and named as many as fit in `room` characters (the
 * others counted), so that the model knows which to read again.
 */
function leftOutLine(files: readonly FileDrift[], room: number): string {
  const others = (n: number) => (n > 0 ? ` and ${n} other${n === 1 ? '' : 's'}` : '');
  let line = `\n... and ${count(files.length, 'more file')} changed outside the session (not shown)`;
  for (const [i, f] of files.entries()) {
    const next = `${i === 0 ? ': ' : ', '}${f.path}`;
    // Room is checked with what would follow, so that the count of the rest always fits after the last name.
    if (line.length + next.length + others(files.length - i - 1).length + 2 > room) return `${line}${i === 0 ? '' : others(files.length - i)}.\n`;
    line += next;
  }
  return `${line}.\n`;
}
