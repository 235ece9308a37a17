import type { Brand, SessionId } from '../store/types';

/** Plain data types of long-term memory (facts, episodes and procedures kept across sessions). */

/** `workspace`: kept in the workspace's store. `user`: kept in a store in global storage, shared by every workspace. */
export type MemoryScope = 'workspace' | 'user';
export const MEMORY_SCOPES: readonly MemoryScope[] = ['workspace', 'user'];

/** fact: a semantic fact. episode: what a session did (written when it completes). procedure: how to do something here (build, test). */
export type MemoryKind = 'fact' | 'episode' | 'procedure';
export const MEMORY_KINDS: readonly MemoryKind[] = ['fact', 'episode', 'procedure'];

/** Time-sortable id (a ULID), unique across both scopes. */
export type MemoryId = Brand<string, 'MemoryId'>;

/** The session event a memory write belongs to: its journal position (and step, when known). */
export interface MemoryProvenance {
  sessionId: SessionId;
  /** Journal seq of the event that made the write (for a tool: its `tool_started`). */
  seq: number;
  step?: number;
}

/** One memory as it reads now (one version of it). */
export interface MemoryEntry {
  id: MemoryId;
  scope: MemoryScope;
  kind: MemoryKind;
  text: string;
  tags: string[];
  /** Pinned entries go into every prompt first and survive compaction verbatim. */
  pinned: boolean;
  createdAt: number;
  updatedAt: number;
  /** Who created the entry. */
  createdBy: MemoryProvenance;
  /** Who wrote this version. */
  provenance: MemoryProvenance;
  /** Version number of this state (1 for the creation; numbers are never reused, reverted ones included). */
  version: number;
}

export type MemoryOp = 'create' | 'edit' | 'forget';

/** One write of an entry, kept for good: what undo restores. */
export interface MemoryVersion {
  id: MemoryId;
  version: number;
  op: MemoryOp;
  /** The entry after the write; null after a forget. */
  entry: MemoryEntry | null;
  provenance: MemoryProvenance;
  at: number;
  /** Idempotency key of the write (e.g. the tool call id), if any. */
  opKey?: string;
  /** Set while the write is undone by that revert. */
  revertedBy?: string;
}

export interface NewMemory {
  kind: MemoryKind;
  text: string;
  tags?: readonly string[];
  pinned?: boolean;
  /** Default `workspace`. */
  scope?: MemoryScope;
}

export interface MemoryPatch {
  kind?: MemoryKind;
  text?: string;
  tags?: readonly string[];
  pinned?: boolean;
}

/** Who writes: the session and journal position, and an idempotency key (a tool call id). */
export interface WriteOrigin extends MemoryProvenance {
  /** A second write with the same (sessionId, opKey) does nothing and returns the first one's result. */
  opKey?: string;
}

/** A write that only applies to the entry as the writer last read it (a user's edit made from a view). */
export interface WriteCondition {
  /** The entry's current version must be this one, or the write fails with CHANGED and writes nothing. */
  ifVersion?: number;
}

export interface WriteResult {
  /** The entry after the write (null after a forget). */
  entry: MemoryEntry | null;
  /** The entry before the write (null for a creation). */
  previous: MemoryEntry | null;
  version: number;
  /** True when the opKey had been seen: nothing was written. */
  replayed: boolean;
}

/** A durable record of one revert; `undoRevert(revertId)` re-applies its writes. */
export interface MemoryRevert {
  revertId: string;
  scope: MemoryScope;
  sessionId: SessionId;
  afterSeq: number;
  throughSeq?: number;
  at: number;
  versions: { id: MemoryId; version: number }[];
  undoneAt?: number;
}

/** An entry whose current state changed: what the search index must follow. */
export interface MemoryChange {
  id: MemoryId;
  before: MemoryEntry | null;
  after: MemoryEntry | null;
}

export type MemoryErrorCode =
  /** No entry with that id (or it is forgotten). */
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT'
  /** The scope has no store (e.g. no user store configured). */
  | 'SCOPE_UNAVAILABLE'
  /** The entry is no longer at the version the write expected (`WriteCondition.ifVersion`): someone else wrote it meanwhile. */
  | 'CHANGED';

export class MemoryError extends Error {
  override readonly name = 'MemoryError';

  constructor(
    readonly code: MemoryErrorCode,
    message: string,
  ) {
    super(message);
  }

  static is(e: unknown, code?: MemoryErrorCode): e is MemoryError {
    return e instanceof MemoryError && (code === undefined || e.code === code);
  }
}

export const MAX_MEMORY_TEXT = 4000;
export const MAX_MEMORY_TAGS = 16;

/** Trimmed, lower-cased, de-duplicated tags; throws INVALID_ARGUMENT on bad input. */
export function normalizeTags(tags: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const t of tags ?? []) {
    const tag = t.trim().toLowerCase();
    if (!/^[\p{L}\p{N}][\p{L}\p{N}_.:/-]{0,47}$/u.test(tag)) throw new MemoryError('INVALID_ARGUMENT', `invalid tag ${JSON.stringify(t)}: letters, digits and _.:/- only, at most 48`);
    if (!out.includes(tag)) out.push(tag);
  }
  if (out.length > MAX_MEMORY_TAGS) throw new MemoryError('INVALID_ARGUMENT', `at most ${MAX_MEMORY_TAGS} tags`);
  return out;
}

export function checkText(text: string): string {
  const t = text.trim();
  if (t === '') throw new MemoryError('INVALID_ARGUMENT', 'a memory needs some text');
  if (t.length > MAX_MEMORY_TEXT) throw new MemoryError('INVALID_ARGUMENT', `a memory holds at most ${MAX_MEMORY_TEXT} characters (got ${t.length})`);
  return t;
}
