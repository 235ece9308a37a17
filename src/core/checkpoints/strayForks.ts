import { createHash } from 'node:crypto';
import type { Message } from '../model/types';
import type { MessageAddedData, StatusData } from '../runner/runEvents';
import { allSessions } from '../store/allSessions';
import type { CheckpointStore } from '../store/checkpointStore';
import type { SessionId } from '../store/types';

/**
 * The id of a rewind's fork: the same for the same rewind (session, journal head) with the same
 * message, so that a retry after a crash between the fork and the record finds that fork.
 */
export function forkIdOf(rewindId: string, message: string | undefined): SessionId {
  // As long as a ULID (the CLI's list lines up), in characters a ULID may hold.
  return createHash('sha256').update(JSON.stringify([rewindId, message ?? null])).digest('hex').slice(0, 26).toUpperCase() as SessionId;
}

const decoder = new TextDecoder();

/**
 * Forks that an earlier attempt of the rewind `rewindId` made and left (its process died before the
 * rewind's record), with a message other than this attempt's: no record names them, and a retry with
 * another message makes a fork of its own. Only a fork proven to be such an attempt's is listed: its
 * id is `forkIdOf(rewindId, its own message)`, and nothing happened in it since it was made (its last
 * event is the fork's own `paused`). A fork the user made, or went on with, is never listed. Reads only.
 */
export async function strayRewindForks(store: CheckpointStore, sourceId: SessionId, targetStep: number, rewindId: string, keep: SessionId | undefined): Promise<SessionId[]> {
  const out: SessionId[] = [];
  for (const s of await allSessions(store.listSessions.bind(store))) {
    if (s.id === keep || s.parent?.sessionId !== sourceId || s.parent.step !== targetStep || s.pinned || s.status !== 'paused') continue;
    const events = [];
    for await (const e of store.readEvents(s.id)) events.push(e);
    const last = events[events.length - 1];
    if (last?.type !== 'status' || !(last.data as StatusData).reason?.startsWith('forked from ')) continue;
    const before = events[events.length - 2];
    let message: string | undefined;
    if (before?.type === 'message_added' && (before.data as MessageAddedData).reason === 'human') {
      const m = JSON.parse(decoder.decode(await store.getBlob((before.data as MessageAddedData).message))) as Message;
      message = typeof m.content === 'string' ? m.content : undefined;
    }
    if (forkIdOf(rewindId, message) === s.id) out.push(s.id);
  }
  return out;
}
