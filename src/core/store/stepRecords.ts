import { StoreError } from './errors';
import { isValidActionId, keys } from './keys';
import type { StoreContext } from './storeContext';
import type { JournalEvent, StepCommit } from './types';

/**
 * A commit's journal events, numbered on from `headSeq`, and its effect records, each encoded and
 * handed to `put` (key, value). Throws INVALID_ARGUMENT at the first malformed one: the caller has
 * written nothing yet. Returns the events as the journal holds them.
 */
export function stepRecords(
  ctx: StoreContext,
  step: StepCommit,
  headSeq: number,
  now: number,
  put: (key: string, value: Uint8Array) => void,
): JournalEvent[] {
  const sid = step.sessionId;
  let seq = headSeq;
  const journal: JournalEvent[] = [];
  for (const ev of step.events) {
    if (typeof ev.type !== 'string' || !Number.isInteger(ev.step) || ev.step < 0) {
      throw new StoreError('INVALID_ARGUMENT', 'an event needs a string type and a non-negative integer step');
    }
    seq++;
    const event: JournalEvent = { seq, at: typeof ev.at === 'number' ? ev.at : now, step: ev.step, type: ev.type, data: ev.data };
    put(keys.event(sid, seq), ctx.encodeJson(event));
    journal.push(event);
  }
  for (const ef of step.effects ?? []) {
    if (!isValidActionId(ef.actionId) || !Number.isInteger(ef.step)) {
      throw new StoreError('INVALID_ARGUMENT', `invalid effect key (${ef.step}, ${ef.actionId})`);
    }
    const phase = ef.phase === 'intent' ? 'i' : 'r';
    put(keys.effect(sid, ef.step, ef.actionId, phase), ctx.encodeJson({ at: typeof ef.at === 'number' ? ef.at : now, data: ef.data }));
  }
  return journal;
}
