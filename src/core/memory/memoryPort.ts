import type { RecallHit, RecallOptions } from './memoryIndex';
import type { MemoryEntry, MemoryId, MemoryScope, NewMemory } from './memoryTypes';

/** A `remember` call: a new entry, or (with `id`) a new version of an existing one. */
export interface RememberInput extends Partial<NewMemory> {
  /** Update this entry instead of creating one (its scope is kept; an entry of the user scope needs `scope` 'user'). */
  id?: MemoryId;
}

export interface RememberOutcome {
  entry: MemoryEntry;
  /** An existing entry was updated. */
  updated: boolean;
  /** The same call (same session and op key) had already written it: nothing was written now. */
  replayed: boolean;
}

/**
 * Long-term memory as one tool call sees it (port; `LongTermMemory.port(origin)` implements it).
 * Bound to the session and journal position of the call, and to its call id as the idempotency key:
 * running the same call again (a resume that reruns a call found in flight) writes nothing twice.
 * Every write is one atomic batch in its scope's store. Failures: MemoryError NOT_FOUND,
 * INVALID_ARGUMENT, SCOPE_UNAVAILABLE (the model can act on these), StoreError (infrastructure;
 * READ_ONLY when another window holds the store).
 */
export interface MemoryPort {
  /** Creates an entry (kind and text required) or, with `id`, edits one (only the given fields change). */
  remember(input: RememberInput): Promise<RememberOutcome>;
  /** Current entries ranked by relevance to `query` (an empty query lists the most recent). Read-only. */
  recall(query: string, options?: RecallOptions): Promise<RecallHit[]>;
  /**
   * Forgets an entry (it stays in the version history, so a rewind can restore it). Returns what it read.
   * An entry of the user scope is forgotten only with `scope` 'user' (as `remember` updates one):
   * the approval policy asks about exactly those calls.
   */
  forget(id: MemoryId, scope?: MemoryScope): Promise<MemoryEntry>;
}
