import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, SessionId } from '../store/types';
import { boundedDiff } from './fileContents';
import { type FileTouch, loadFileHistory } from './fileHistory';

export interface StepFileDiff {
  step: number;
  path: string;
  /** 'tool': a file tool's edit; 'command': a change a command made, found by the capture. */
  kind: FileTouch['kind'];
  /** Unified diff before -> after (bounded), or a line saying why there is none. */
  diff: string;
}

/** Each step's diffs are cut at this many characters per file. */
const MAX_DIFF_CHARS = 20_000;

/**
 * The unified diff of every file change the session's calls made, in journal order (one step, or
 * all), rebuilt from the before/after blobs of its checkpoints. A version kept by hash only (binary
 * or over the size limit) is named, not shown. Reads only.
 */
export async function stepDiffs(store: CheckpointStore, sessionId: SessionId, o: { step?: number; maxDiffChars?: number } = {}): Promise<StepFileDiff[]> {
  const history = await loadFileHistory(store, sessionId);
  const touches = history.touches
    .filter((t) => (t.kind === 'tool' || t.kind === 'command') && t.outcome === 'applied' && (o.step === undefined || t.step === o.step))
    .sort((a, b) => a.seq - b.seq);
  const hashes = [...new Set(touches.flatMap((t) => [t.beforeHash, t.afterHash]).filter((h): h is BlobHash => h !== null))];
  const kept = await Promise.all(hashes.map((h) => store.hasBlob(h)));
  const present = hashes.filter((_, i) => kept[i]);
  const got = await store.getBlobs(present);
  const contents = new Map(present.map((h, i) => [h, got[i]]));
  return touches.map((t): StepFileDiff => {
    const missing = [t.beforeHash, t.afterHash].some((h) => h !== null && !contents.has(h));
    const diff = missing
      ? `${t.path}: ${t.beforeHash ?? 'absent'} -> ${t.afterHash ?? 'absent'} (a version kept by hash only: binary, over the size limit, or its contents not at hand when a command changed it; no diff)\n`
      : boundedDiff(t.path, t.beforeHash ? contents.get(t.beforeHash) : undefined, t.afterHash ? contents.get(t.afterHash) : undefined, o.maxDiffChars ?? MAX_DIFF_CHARS);
    return { step: t.step, path: t.path, kind: t.kind, diff };
  });
}
