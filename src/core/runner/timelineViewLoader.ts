import { diffLines } from 'diff';
import { lineCount, textSides } from '../checkpoints/fileContents';
import { lineDiffLimits } from '../checkpoints/merge3';
import type { Message } from '../model/types';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, JournalEvent, SessionId } from '../store/types';
import { applyEvents, blobsNeeded, type ChangePair, emptyTimeline, type LineStats, type TimelineState } from './timelineView';

/** Files larger than this are listed without line counts (counting them would stall the host). */
const MAX_COUNTED_BYTES = 512 * 1024;
/** Journal events read before they are folded in (and their blobs loaded). */
const FOLD_BATCH = 500;

/** The text of a stored message: its text blocks joined (tool calls are shown as their own entries). */
export function messageTextOf(m: Message): string {
  if (typeof m.content === 'string') return m.content;
  return m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n\n');
}

/**
 * Line counts of a text change (what `git diff --stat` counts); undefined when too many lines
 * differ to diff them in bounded time (see `lineDiffLimits`), and the file is listed without counts.
 */
export function countLines(before: string, after: string): LineStats | undefined {
  let added = 0;
  let removed = 0;
  const parts = diffLines(before, after, lineDiffLimits(lineCount(before), lineCount(after)));
  if (!parts) return undefined;
  for (const part of parts) {
    if (part.added) added += part.count ?? 0;
    else if (part.removed) removed += part.count ?? 0;
  }
  return { added, removed };
}

const pairKey = (before: string | null, after: string | null) => `${before ?? '-'}>${after ?? '-'}`;

/**
 * Keeps one session's timeline up to date from its journal: `catchUp` reads the events after the
 * last one folded, loads the blobs they refer to and folds them in. Texts and counts are cached
 * per hash, so a long session is read once. Calls must not overlap (the host serializes them).
 */
export class TimelineViewLoader {
  readonly state: TimelineState = emptyTimeline();
  private readonly texts = new Map<string, string>();
  private readonly counts = new Map<string, LineStats | null>();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly store: CheckpointStore,
    readonly sessionId: SessionId,
  ) {}

  /**
   * Folds in new events, FOLD_BATCH at a time (a long session's journal holds every result the
   * model got: hundreds of MB read at once); returns the ids of the entries that changed.
   */
  async catchUp(): Promise<Set<string>> {
    const changed = new Set<string>();
    let batch: JournalEvent[] = [];
    for await (const e of this.store.readEvents(this.sessionId, { fromSeq: this.state.lastSeq + 1 })) {
      batch.push(e);
      if (batch.length < FOLD_BATCH) continue;
      await this.fold(batch, changed);
      batch = [];
    }
    if (batch.length > 0) await this.fold(batch, changed);
    return changed;
  }

  private async fold(events: JournalEvent[], changed: Set<string>): Promise<void> {
    const need = blobsNeeded(events);
    await this.loadTexts(need.messages);
    await this.loadCounts(need.changes);
    const ids = applyEvents(this.state, events, {
      messageText: (h) => this.texts.get(h),
      lineStats: (b, a) => this.counts.get(pairKey(b, a)) ?? undefined,
    });
    for (const id of ids) changed.add(id);
  }

  private async loadTexts(hashes: string[]): Promise<void> {
    const missing = [...new Set(hashes.filter((h) => !this.texts.has(h)))];
    if (missing.length === 0) return;
    const blobs = await this.tryBlobs(missing);
    missing.forEach((h, i) => {
      const bytes = blobs[i];
      if (!bytes) return;
      try {
        this.texts.set(h, messageTextOf(JSON.parse(this.decoder.decode(bytes)) as Message));
      } catch {
        this.texts.set(h, '');
      }
    });
  }

  private async loadCounts(pairs: ChangePair[]): Promise<void> {
    const todo = pairs.filter((p) => !this.counts.has(pairKey(p.before, p.after)));
    const hashes = [...new Set(todo.flatMap((p) => [p.before, p.after]).filter((h): h is string => h !== null))];
    const blobs = await this.tryBlobs(hashes);
    const byHash = new Map(hashes.map((h, i) => [h, blobs[i]]));
    for (const p of todo) {
      const before = p.before === null ? new Uint8Array() : byHash.get(p.before);
      const after = p.after === null ? new Uint8Array() : byHash.get(p.after);
      const countable = before && after && before.length <= MAX_COUNTED_BYTES && after.length <= MAX_COUNTED_BYTES && !before.includes(0) && !after.includes(0);
      // As the diffs read them: a change of a letter in a file that is not UTF-8, or of its BOM, is counted.
      const text = countable ? textSides(before, after) : undefined;
      this.counts.set(pairKey(p.before, p.after), text ? (countLines(text.before, text.after) ?? null) : null);
    }
  }

  /** Blobs in order; a missing or damaged blob leaves a hole instead of failing the whole view. */
  private async tryBlobs(hashes: string[]): Promise<(Uint8Array | undefined)[]> {
    if (hashes.length === 0) return [];
    try {
      return await this.store.getBlobs(hashes as BlobHash[]);
    } catch {
      return Promise.all(hashes.map((h) => this.store.getBlob(h as BlobHash).catch(() => undefined)));
    }
  }
}
