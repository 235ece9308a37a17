import type { SessionId } from '../store/types';
import { MemoryIndex, type RecallHit, type RecallOptions } from './memoryIndex';
import type { MemoryPort, RememberInput, RememberOutcome } from './memoryPort';
import type { MemoryStore } from './memoryStore';
import {
  type MemoryChange,
  type MemoryEntry,
  MemoryError,
  type MemoryId,
  type MemoryPatch,
  type MemoryRevert,
  type MemoryScope,
  type MemoryVersion,
  type NewMemory,
  type WriteCondition,
  type WriteOrigin,
  type WriteResult,
} from './memoryTypes';
import { type PromptSelection, promptQuery, selectEntries } from './promptSelection';

export interface LongTermMemoryOptions {
  /** The workspace scope: `new MemoryStore('workspace', checkpointStore.openSpace('memory'))`. */
  workspace: MemoryStore;
  /** The user scope, in a store under global storage; without it, user-scope writes fail with SCOPE_UNAVAILABLE. */
  user?: MemoryStore;
  /**
   * When the user scope is a read-only copy (another window held its store): opens the store for
   * writing, or resolves undefined while it is still held. Tried again before each write that
   * needs the user scope, so a window gets it back once the one that held it has closed.
   */
  reopenUser?: () => Promise<MemoryStore | undefined>;
  /**
   * When the user scope is a read-only copy: takes it again (or opens the store itself once it is
   * free), so that what the window holding it wrote since (a memory the user deleted or corrected
   * there) is read. Resolves undefined when there is nothing to take again.
   */
  recopyUser?: () => Promise<MemoryStore | undefined>;
  /** Why the user store could not be opened (no `user` then): what a user-scope write is told. */
  userProblem?: string;
  now?: () => number;
}

export interface OpenStats {
  entries: number;
  /** Time to read every current entry from LevelDB and build the search index. */
  rebuildMs: number;
}

/**
 * Long-term memory of both scopes behind one search index. The stores are the truth; the index is
 * rebuilt from them at `open` and follows every write made through this object (writes made by
 * another process are not seen until the next open: each store has a single writer, LevelDB's lock).
 */
export class LongTermMemory {
  private readonly index = new MemoryIndex();
  private readonly listeners = new Set<(changes: readonly MemoryChange[]) => void>();
  private stats: OpenStats = { entries: 0, rebuildMs: 0 };

  private reopening: Promise<void> | undefined;
  private userProblem: string | undefined;

  private constructor(
    private readonly stores: { workspace: MemoryStore; user?: MemoryStore },
    private readonly reopenUser?: () => Promise<MemoryStore | undefined>,
    private readonly recopyUser?: () => Promise<MemoryStore | undefined>,
  ) {}

  /** Reads every current entry of both scopes into the index. */
  static async open(o: LongTermMemoryOptions): Promise<LongTermMemory> {
    const m = new LongTermMemory({ workspace: o.workspace, ...(o.user ? { user: o.user } : {}) }, o.reopenUser, o.recopyUser);
    m.userProblem = o.user ? undefined : o.userProblem;
    const start = performance.now();
    for (const store of m.scopes()) for await (const batch of store.entries()) m.index.addAll(batch);
    m.stats = { entries: m.index.size, rebuildMs: performance.now() - start };
    return m;
  }

  get openStats(): OpenStats {
    return this.stats;
  }

  get size(): number {
    return this.index.size;
  }

  /** Subscribes to changes of current entries (writes, reverts). Returns an unsubscribe function. */
  onDidChange(listener: (changes: readonly MemoryChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: MemoryId): MemoryEntry | undefined {
    return this.index.get(id);
  }

  /** Current entries, most recently updated first. */
  list(o: { scope?: MemoryScope; kind?: MemoryEntry['kind'] } = {}): MemoryEntry[] {
    return [...this.index.all()]
      .filter((e) => (o.scope === undefined || e.scope === o.scope) && (o.kind === undefined || e.kind === o.kind))
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
  }

  /** Every version of an entry (the current one last), undone ones included. */
  async history(id: MemoryId): Promise<MemoryVersion[]> {
    for (const store of this.scopes()) {
      const versions = await store.history(id);
      if (versions.length) return versions;
    }
    return [];
  }

  recall(query: string, options?: RecallOptions): RecallHit[] {
    return this.index.query(query, options);
  }

  /**
   * Memories for the system prompt within `tokenBudget` (see estimateTokens): procedures and pinned entries
   * first, then the hits of the query's first distinct words (`promptQuery`).
   */
  selectForPrompt(query: string, tokenBudget: number, options: Omit<RecallOptions, 'limit'> = {}): PromptSelection {
    const hits = this.index.query(promptQuery(query), { ...options, limit: 50 });
    const candidates = [...this.index.all()].filter((e) => (!options.scopes || options.scopes.includes(e.scope)) && (!options.kinds || options.kinds.includes(e.kind)));
    return selectEntries(candidates, hits, tokenBudget);
  }

  async remember(input: NewMemory, origin: WriteOrigin): Promise<WriteResult> {
    if (input.scope === 'user') await this.claimUser();
    return this.applied(await this.store(input.scope ?? 'workspace').create(input, origin));
  }

  /** With `cond.ifVersion`: only while the entry is still at that version (else MemoryError CHANGED, nothing written). */
  async edit(id: MemoryId, patch: MemoryPatch, origin: WriteOrigin, cond: WriteCondition = {}): Promise<WriteResult> {
    return this.applied(await (await this.storeOf(id)).edit(id, patch, origin, cond));
  }

  async forget(id: MemoryId, origin: WriteOrigin, cond: WriteCondition = {}): Promise<WriteResult> {
    return this.applied(await (await this.storeOf(id)).forget(id, origin, cond));
  }

  /**
   * Undoes the memory writes `sessionId` made after journal position `afterSeq` (up to
   * `throughSeq` when given), in each scope: one atomic batch per scope, and idempotent, so a retry
   * after a crash between the two finishes the job. A scope open read-only (another window holds
   * the user store) is left alone and listed in `unavailable`: retry when it is writable. See
   * MemoryStore.revertSessionAfter for what an undone write means.
   */
  async revertSessionAfter(sessionId: SessionId, afterSeq: number, throughSeq?: number): Promise<{ reverts: MemoryRevert[]; unavailable: MemoryScope[] }> {
    await this.claimUser();
    const reverts: MemoryRevert[] = [];
    const unavailable: MemoryScope[] = [];
    for (const store of this.scopes()) {
      if (store.readOnly) {
        unavailable.push(store.scope);
        continue;
      }
      const { revert, changes } = await store.revertSessionAfter(sessionId, afterSeq, throughSeq);
      this.follow(changes);
      if (revert) reverts.push(revert);
    }
    return { reverts, unavailable };
  }

  /**
   * The scopes open read-only here (another window holds the user store) that hold writes
   * `revertSessionAfter` would undo: it would leave those in force. Reads only.
   */
  async revertBlockedIn(sessionId: SessionId, afterSeq: number, throughSeq?: number): Promise<MemoryScope[]> {
    await this.claimUser();
    const out: MemoryScope[] = [];
    for (const store of this.scopes()) if (store.readOnly && (await store.writesAfter(sessionId, afterSeq, throughSeq)).length > 0) out.push(store.scope);
    return out;
  }

  /** What `revertSessionAfter` would undo now, in both scopes, oldest first; writes nothing. */
  async previewRevert(sessionId: SessionId, afterSeq: number, throughSeq?: number): Promise<MemoryVersion[]> {
    const all = await Promise.all(this.scopes().map((s) => s.writesAfter(sessionId, afterSeq, throughSeq)));
    return all.flat().sort((a, b) => a.provenance.seq - b.provenance.seq || a.at - b.at);
  }

  /**
   * Whether `undoRevert(revertId)` can write now: false when the scope that holds the revert is open
   * read-only (another window holds the user store), or no scope holds it.
   */
  async canUndoRevert(revertId: string): Promise<boolean> {
    await this.claimUser();
    for (const store of this.scopes()) if (await store.hasRevert(revertId)) return !store.readOnly;
    return false;
  }

  /** Re-applies what a revert undid (e.g. when the rewind that caused it is undone). */
  async undoRevert(revertId: string): Promise<MemoryRevert> {
    await this.claimUser();
    for (const store of this.scopes()) {
      try {
        const { revert, changes } = await store.undoRevert(revertId);
        this.follow(changes);
        return revert;
      } catch (e) {
        if (!MemoryError.is(e, 'NOT_FOUND')) throw e;
      }
    }
    throw new MemoryError('NOT_FOUND', `no memory revert ${revertId}`);
  }

  /** Reverts of both scopes, oldest first. */
  async listReverts(): Promise<MemoryRevert[]> {
    const all = (await Promise.all(this.scopes().map((s) => s.listReverts()))).flat();
    return all.sort((a, b) => a.at - b.at || (a.revertId < b.revertId ? -1 : 1));
  }

  /** The port one tool call uses: writes carry `origin` (session, seq, and the call id as op key). */
  port(origin: WriteOrigin): MemoryPort {
    return {
      remember: (input) => this.rememberFor(input, origin),
      recall: async (query, options) => this.recall(query, options),
      forget: async (id, scope) => {
        this.checkSameScope(id, scope, `not the ${scope} scope: forget it without scope (the user scope needs scope "user")`);
        this.checkScope(id, scope, 'forget');
        const r = await this.forget(id, origin);
        if (!r.previous) throw new MemoryError('NOT_FOUND', `no memory ${id}`);
        return r.previous;
      },
    };
  }

  private async rememberFor(input: RememberInput, origin: WriteOrigin): Promise<RememberOutcome> {
    if (input.id !== undefined) {
      const patch: MemoryPatch = {
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.tags !== undefined ? { tags: input.tags } : {}),
        ...(input.pinned !== undefined ? { pinned: input.pinned } : {}),
      };
      if (Object.keys(patch).length === 0) throw new MemoryError('INVALID_ARGUMENT', `nothing to change in memory ${input.id}: give its new text, kind, tags or pinned`);
      this.checkSameScope(input.id, input.scope, `which an update cannot change: remember it anew with scope ${input.scope}, then forget this one`);
      this.checkScope(input.id, input.scope, 'change');
      const r = await this.edit(input.id, patch, origin);
      return { entry: r.entry as MemoryEntry, updated: true, replayed: r.replayed };
    }
    if (input.kind === undefined || input.text === undefined) throw new MemoryError('INVALID_ARGUMENT', 'a new memory needs a kind and a text');
    const r = await this.remember({ ...input, kind: input.kind, text: input.text }, origin);
    return { entry: r.entry as MemoryEntry, updated: false, replayed: r.replayed };
  }

  /** A call that names a scope names the entry's own (the approval policy asks by the scope the call names). */
  private checkSameScope(id: MemoryId, given: MemoryScope | undefined, what: string): void {
    const scope = this.index.get(id)?.scope;
    if (given !== undefined && scope !== undefined && given !== scope) throw new MemoryError('INVALID_ARGUMENT', `memory ${id} is in the ${scope} scope, ${what}`);
  }

  /**
   * A tool call may change or forget a memory of the user scope (read in every project) only when it
   * says scope 'user': the approval policy asks the user about exactly those, so that an id alone
   * cannot slip a change past it.
   */
  private checkScope(id: MemoryId, given: MemoryScope | undefined, verb: string): void {
    if (this.index.get(id)?.scope === 'user' && given !== 'user') throw new MemoryError('INVALID_ARGUMENT', `memory ${id} is in the user scope (read in every project): to ${verb} it, give scope "user" (the user is asked)`);
  }

  private applied(r: WriteResult): WriteResult {
    if (!r.replayed) this.follow([{ id: (r.entry ?? r.previous)?.id as MemoryId, before: r.previous, after: r.entry }]);
    return r;
  }

  private follow(changes: readonly MemoryChange[]): void {
    if (changes.length === 0) return;
    for (const c of changes) this.index.apply(c.id, c.after);
    for (const l of this.listeners) l(changes);
  }

  /**
   * The user scope as it is now, when it is a read-only copy (another window holds it): the copy is
   * taken again and the index follows it, so that a memory the user deleted or corrected in that
   * window is not read here as it was. For a session's prompt, chosen once at its start. Best effort:
   * a copy that cannot be taken leaves the one there was.
   */
  async refresh(): Promise<void> {
    const recopy = this.recopyUser;
    if (!recopy || !this.stores.user?.readOnly) return;
    await this.swapUser(recopy).catch(() => undefined);
  }

  /**
   * The user scope open for writing, when it is a read-only copy and its store is free now (the
   * window that held it has closed), or opened at all when it could not be before: the copy's
   * entries in the index give way to the store's.
   */
  private async claimUser(): Promise<void> {
    const reopen = this.reopenUser;
    if (!reopen || (this.stores.user && !this.stores.user.readOnly)) return;
    await this.swapUser(reopen);
  }

  /** Puts the user store `open` gives in place of the one there was (none: left as it is); the index follows its entries. */
  private async swapUser(open: () => Promise<MemoryStore | undefined>): Promise<void> {
    this.reopening ??= (async () => {
      let fresh: MemoryStore | undefined;
      try {
        fresh = await open();
      } catch (e) {
        this.userProblem = e instanceof Error ? e.message : String(e);
        return;
      }
      if (!fresh) return;
      this.userProblem = undefined;
      this.stores.user = fresh;
      const now = new Map<MemoryId, MemoryEntry>();
      for await (const batch of fresh.entries()) for (const e of batch) now.set(e.id, e);
      const changes: MemoryChange[] = [];
      for (const e of this.list({ scope: 'user' })) if (!now.has(e.id)) changes.push({ id: e.id, before: e, after: null });
      for (const [id, e] of now) if (this.index.get(id)?.version !== e.version) changes.push({ id, before: this.index.get(id) ?? null, after: e });
      this.follow(changes);
    })().finally(() => (this.reopening = undefined));
    await this.reopening;
  }

  private scopes(): MemoryStore[] {
    return this.stores.user ? [this.stores.workspace, this.stores.user] : [this.stores.workspace];
  }

  private store(scope: MemoryScope): MemoryStore {
    const s = this.stores[scope];
    if (!s) throw new MemoryError('SCOPE_UNAVAILABLE', scope === 'user' && this.userProblem !== undefined ? `the user memory could not be opened: ${this.userProblem}` : `no ${scope} memory is configured`);
    return s;
  }

  /** The scope of an entry: from the index, or (a forgotten entry, e.g. a replayed forget) from its history. */
  private async storeOf(id: MemoryId): Promise<MemoryStore> {
    const store = await this.findStoreOf(id);
    if (store.scope === 'user') await this.claimUser();
    return this.store(store.scope);
  }

  private async findStoreOf(id: MemoryId): Promise<MemoryStore> {
    const e = this.index.get(id);
    if (e) return this.store(e.scope);
    for (const store of this.scopes()) if ((await store.history(id)).length) return store;
    throw new MemoryError('NOT_FOUND', `no memory ${id}`);
  }
}
