import type { SideEffect, ToolResultData } from '../runner/runEvents';
import { hashOnly } from '../runner/timeline';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, SessionId } from '../store/types';
import { requireStep } from './checkpointEvents';
import { linkNote } from '../../shared/linkNote';
import { boundedDiff } from './fileContents';
import { type FileTouch, loadFileHistory } from './fileHistory';

export interface StepFileDiff {
  step: number;
  path: string;
  /** 'tool': a file tool's edit; 'command': a change a command made, found by the capture. */
  kind: FileTouch['kind'];
  /** A rename a command made: the path the file moved from (to `path`, its contents unchanged). */
  from?: string;
  /** Unified diff before -> after (bounded), or a line saying why there is none. */
  diff: string;
}

/** Each step's diffs are cut at this many characters per file. */
const MAX_DIFF_CHARS = 20_000;

/**
 * The unified diff of every file change the session's calls made, in journal order (one step, or
 * all), rebuilt from the before/after blobs of its checkpoints. A version kept by hash only (binary
 * or over the size limit) is named, not shown; a file a command moved is one rename (git's form),
 * not a deletion and a creation; an execute bit set or cleared is git's old and new mode. Reads only.
 */
export async function stepDiffs(store: CheckpointStore, sessionId: SessionId, o: { step?: number; maxDiffChars?: number } = {}): Promise<StepFileDiff[]> {
  const history = await loadFileHistory(store, sessionId);
  if (o.step !== undefined) requireStep(sessionId, o.step, history.lastStep);
  const all = history.touches.filter((t) => (t.kind === 'tool' || t.kind === 'command') && t.outcome === 'applied' && (o.step === undefined || t.step === o.step));
  // A rename is shown once, as a rename: its deleting half goes when its creating half is there.
  const renamed = new Set(all.filter((t) => t.movedFrom !== undefined).map((t) => `${t.seq}\u0000${t.movedFrom as string}`));
  const touches = all.filter((t) => t.movedTo === undefined || !renamed.has(`${t.seq}\u0000${t.path}`)).sort((a, b) => a.seq - b.seq);
  const hashes = [...new Set(touches.flatMap((t) => [t.beforeHash, t.afterHash]).filter((h): h is BlobHash => h !== null))];
  const kept = await Promise.all(hashes.map((h) => store.hasBlob(h)));
  const present = hashes.filter((_, i) => kept[i]);
  const got = await store.getBlobs(present);
  const contents = new Map(present.map((h, i) => [h, got[i]]));
  const isMissing = (t: FileTouch) => [t.beforeHash, t.afterHash].some((h) => h !== null && !contents.has(h));
  const captured = await capturedChanges(store, sessionId, touches.filter((t) => t.kind === 'command' && isMissing(t)));
  return touches.map((t): StepFileDiff => {
    if (t.movedFrom !== undefined) {
      const diff = `diff --git a/${t.movedFrom} b/${t.path}\nsimilarity index 100%\nrename from ${t.movedFrom}\nrename to ${t.path}\n`;
      return { step: t.step, path: t.path, kind: t.kind, from: t.movedFrom, diff };
    }
    if (t.kind === 'command' && (t.beforeLink !== undefined || t.afterLink !== undefined)) return { step: t.step, path: t.path, kind: t.kind, diff: linkDiff(t, contents, o.maxDiffChars ?? MAX_DIFF_CHARS) };
    const missing = isMissing(t);
    const mode = modeChange(t);
    // A mode-only change (chmod +x) is just git's mode lines: the contents have no diff.
    if (mode && t.beforeHash === t.afterHash) return { step: t.step, path: t.path, kind: t.kind, diff: mode };
    // A command's change says why, with the sizes (as the timeline does); the digests the history reads keep neither.
    // A file tool's version goes unkept only for a deletion over the size limit (`changeBlobs`).
    const why = t.kind === 'command' ? hashOnly(captured.get(`${t.seq}\u0000${t.path}`) ?? {}) : t.afterHash === null ? ' (over the size limit when delete_file removed it: kept by hash only)' : '';
    const lines = missing
      ? `${t.path}: ${t.beforeHash ?? 'absent'} -> ${t.afterHash ?? 'absent'}${why || ' (a version kept by hash only: binary, over the size limit, or its contents not at hand when a command changed it)'}; no diff\n`
      : boundedDiff(t.path, t.beforeHash ? contents.get(t.beforeHash) : undefined, t.afterHash ? contents.get(t.afterHash) : undefined, o.maxDiffChars ?? MAX_DIFF_CHARS);
    return { step: t.step, path: t.path, kind: t.kind, diff: `${mode}${lines}` };
  });
}

/**
 * A command's change of a symlink: a line naming it (the link's text, never what it leads to), then
 * the diff of each side as git shows a link (its text) or a file (its contents, when kept).
 */
function linkDiff(t: FileTouch, contents: ReadonlyMap<BlobHash, Uint8Array | undefined>, max: number): string {
  const kind = t.beforeHash === null ? 'created' : t.afterHash === null ? 'deleted' : 'modified';
  const side = (link: string | undefined, hash: BlobHash | null) => (link !== undefined ? new TextEncoder().encode(link) : hash !== null ? contents.get(hash) : undefined);
  const note = `${t.path}: ${linkNote(kind, t) ?? ''}\n`;
  const missing = [[t.beforeLink, t.beforeHash] as const, [t.afterLink, t.afterHash] as const].some(([l, h]) => l === undefined && h !== null && !contents.has(h));
  return missing ? note : `${note}${boundedDiff(t.path, side(t.beforeLink, t.beforeHash), side(t.afterLink, t.afterHash), max)}`;
}

/**
 * git's lines for an execute bit set or cleared on a file that is there before and after (chmod +x),
 * with the header they belong under; '' when the mode did not change or a side's is not known.
 */
function modeChange(t: FileTouch): string {
  if (t.beforeHash === null || t.afterHash === null || t.beforeExec === undefined || t.afterExec === undefined || t.beforeExec === t.afterExec) return '';
  const mode = (exec: boolean) => (exec ? '100755' : '100644');
  return `diff --git a/${t.path} b/${t.path}\nold mode ${mode(t.beforeExec)}\nnew mode ${mode(t.afterExec)}\n`;
}

/** The captured changes (from their `tool_result` events) behind `touches`, by seq and path. */
async function capturedChanges(store: CheckpointStore, sessionId: SessionId, touches: readonly FileTouch[]): Promise<Map<string, Pick<SideEffect, 'binary' | 'tooLarge' | 'unkept' | 'afterUnkept' | 'beforeSize' | 'afterSize'>>> {
  const out = new Map<string, SideEffect>();
  for (const seq of new Set(touches.map((t) => t.seq))) {
    for await (const e of store.readEvents(sessionId, { fromSeq: seq, toSeq: seq })) {
      if (e.type === 'tool_result') for (const c of (e.data as ToolResultData).sideEffects ?? []) out.set(`${seq}\u0000${c.path}`, c);
    }
  }
  return out;
}
