import type { Message } from '../model/types';
import type { CheckpointStore } from '../store/checkpointStore';
import type { JournalEvent, SessionId, SessionSummary } from '../store/types';
import { agentSaid, turnText } from '../../shared/agentText';
import { transcript } from './compaction';
import type { CompactedData, ModelTurnData } from './runEvents';
import { timelineLine } from './timeline';

const decoder = new TextDecoder();

/** Sessions whose lines are kept (the documents open at once, most often one or two). */
const KEPT = 4;

interface Kept {
  store: CheckpointStore;
  createdAt: number;
  /** The seq of the last event read. */
  seq: number;
  lines: string[];
}

/**
 * The lines of a session's document (Show Session) for its journal: one per event, the task in
 * full, what the agent said under each turn, and what each compaction summarized. A journal only
 * grows, so the lines of the last few sessions read are kept, and a read again (the document
 * follows its running session) reads only the events journaled since.
 */
export class JournalLines {
  private readonly kept = new Map<string, Kept>();

  async read(store: CheckpointStore, s: Pick<SessionSummary, 'id' | 'createdAt' | 'headSeq'>): Promise<readonly string[]> {
    let k = this.kept.get(s.id);
    // Another store (the window took it over), or another session of that id (deleted, then imported again): from the start.
    if (!k || k.store !== store || k.createdAt !== s.createdAt || s.headSeq < k.seq) k = { store, createdAt: s.createdAt, seq: 0, lines: [] };
    this.kept.delete(s.id);
    // A copy: the lines returned before stay as they were.
    const lines = k.lines.slice();
    let seq = k.seq;
    for await (const e of store.readEvents(s.id as SessionId, { fromSeq: seq + 1 })) {
      // One by one, not as arguments: a compaction's transcript can have more lines than a call takes.
      for (const l of await eventLines(store, e)) lines.push(l);
      seq = e.seq;
    }
    this.kept.set(s.id, { store, createdAt: s.createdAt, seq, lines });
    for (const old of [...this.kept.keys()].slice(0, Math.max(0, this.kept.size - KEPT))) this.kept.delete(old);
    return lines;
  }

  /** Drops what is kept of a session (it was deleted). */
  forget(id: string): void {
    this.kept.delete(id);
  }
}

async function eventLines(store: CheckpointStore, e: JournalEvent): Promise<string[]> {
  let lines = [timelineLine(e)];
  // The task in full (its line cuts it; the sidebar sends this document's readers here for it).
  const task = e.type === 'session_started' ? (e.data as { task?: unknown }).task : undefined;
  if (typeof task === 'string' && task.length > 100) lines = lines.concat(task.split('\n').map((l) => `       │ ${l}`));
  // What the agent said in the turn (its answer, its words beside a call), under the turn's line.
  if (e.type === 'model_turn') {
    const said = agentSaid(await turnText(store, (e.data as ModelTurnData).message), '       ');
    if (said) lines.push(said);
  }
  // What a compaction summarized stays readable here (Savepoint: Undo Compaction puts it back).
  if (e.type === 'compacted') {
    const d = e.data as CompactedData;
    const messages = await Promise.all(d.replaced.map(async (h) => JSON.parse(decoder.decode(await store.getBlob(h))) as Message));
    lines = lines.concat(transcript(messages).split('\n').map((l) => `       │ ${l}`));
  }
  return lines;
}
