import { detectDrift, driftNote } from '../checkpoints/drift';
import type { MemoryPort } from '../memory/memoryPort';
import type { WriteOrigin } from '../memory/memoryTypes';
import type { Workspace } from '../ports/workspace';
import type { SecretMask } from '../secrets/secretMask';
import type { CheckpointStore } from '../store/checkpointStore';
import { oneSessionOpAtATime } from '../store/sessionOps';
import type { BlobHash, BlobInput, SessionId, SessionSummary } from '../store/types';
import { SEEN_BLOB_MAX } from './fileChanges';
import type { RunnerEvent } from './runEvents';
import { SessionJournal } from './sessionJournal';
import type { Outliner } from './stepEffects';

/** What a resumed session's model is told of its files changed while it was away, and what it then knows of them. */
export interface DriftText {
  text: string;
  seen: { path: string; hash: BlobHash | null }[];
  blobs: BlobInput[];
}

/**
 * The drift note before a resumed session's next turn (undefined: nothing changed, or it could not be
 * compared); its diffs with the secret values of the environment masked (`secrets`), as tool results are.
 */
export async function driftText(store: CheckpointStore, workspace: Workspace, id: SessionId, outliner: Outliner | undefined, secrets?: SecretMask): Promise<DriftText | undefined> {
  try {
    const note = driftNote(await detectDrift(store, workspace, id, { keepBytes: true, ...(outliner ? { outliner } : {}) }));
    if (!note) return undefined;
    // A path that cannot be read is told again next time: nothing is known of what it holds.
    const told = note.told.filter((d) => d.kind !== 'unreadable');
    const blobs = told.flatMap((d) => (d.diskBytes && d.diskHash && d.diskBytes.length <= SEEN_BLOB_MAX ? [{ content: d.diskBytes, hash: d.diskHash }] : []));
    return { text: secrets ? secrets.maskText(note.text) : note.text, seen: told.map((d) => ({ path: d.path, hash: d.diskHash })), blobs };
  } catch {
    // Telling the model about drift is a courtesy; a file that cannot be compared stays as it is.
    return undefined;
  }
}

/**
 * A short record of a finished session for later sessions (kind `episode`). Keyed by the session,
 * so a second completion (a resume of a completed session) writes nothing again. Never fails the
 * session. Returns the entry's id when it is in memory (written now or before), else undefined.
 */
export async function rememberEpisode(memory: { port(origin: WriteOrigin): MemoryPort } | undefined, j: SessionJournal): Promise<string | undefined> {
  if (!memory) return undefined;
  try {
    const last = await j.message(j.state.messages[j.state.messages.length - 1] as BlobHash);
    const text = typeof last.content === 'string' ? last.content : last.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(' ');
    const task = j.state.task.length > 300 ? `${j.state.task.slice(0, 297)}...` : j.state.task;
    const outcome = text.length > 600 ? `${text.slice(0, 597)}...` : text;
    const r = await memory.port({ sessionId: j.id, seq: j.headSeq, step: j.state.turn, opKey: 'episode' }).remember({ kind: 'episode', text: `Task: ${task}\nOutcome: ${outcome}`, tags: ['session'] });
    return r.entry.id;
  } catch {
    // Memory is a convenience for later sessions; this one is done either way.
    return undefined;
  }
}

/**
 * The finished session's episode, unless its journal says it is written (`episode_remembered`,
 * committed after the write): a process that died between the completion and the episode leaves it
 * to the next run of the session, which writes it (once: the write is keyed by the session).
 */
export async function episodeOnce(memory: { port(origin: WriteOrigin): MemoryPort } | undefined, j: SessionJournal, commit: (events: RunnerEvent[]) => Promise<void>): Promise<void> {
  if (j.state.episodeOf === j.id) return;
  const memoryId = await rememberEpisode(memory, j);
  if (memoryId) await commit([{ type: 'episode_remembered', data: { sessionId: j.id, memoryId } }]);
}

/**
 * The episodes of completed sessions that were lost (the process died between the completion and
 * the episode), written now from their journals: no model call, nothing run again. For the editor,
 * which never runs a completed session again (the CLI's resume writes it then). Idempotent: a session
 * whose journal says its episode is written is skipped, and the write is keyed by the session. A
 * journal that cannot be read is left as it is. Returns the sessions whose episode it wrote.
 */
export async function rememberLostEpisodes(
  store: CheckpointStore,
  memory: { port(origin: WriteOrigin): MemoryPort; list?(o: { kind: 'episode' }): { createdBy: { sessionId: string } }[] } | undefined,
  sessions: readonly SessionSummary[],
  now: () => number = Date.now,
): Promise<SessionId[]> {
  if (!memory) return [];
  // A session whose episode memory holds is not read at all: this runs at every start of the editor, on every finished session.
  const kept = new Set(memory.list?.({ kind: 'episode' }).map((e) => e.createdBy.sessionId));
  const written: SessionId[] = [];
  for (const s of sessions) {
    if (s.status !== 'completed' || kept.has(s.id)) continue;
    try {
      // As a run opens it: a rewind or undo of the session under way finishes first.
      await oneSessionOpAtATime(store, s.id, async () => {
        const j = await SessionJournal.open(store, s.id, now);
        if (j.state.status !== 'completed' || j.state.episodeOf === j.id) return;
        await episodeOnce(memory, j, async (events) => void (await j.append(j.state.turn, events)));
        if (j.state.episodeOf === j.id) written.push(s.id);
      });
    } catch {
      // Damaged or gone meanwhile: its episode is a convenience, not worth failing the others for.
    }
  }
  return written;
}
