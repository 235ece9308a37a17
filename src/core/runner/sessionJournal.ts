import { hashBlob } from '../store/blobFormat';
import type { ContentBlock, Message } from '../model/types';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, BlobInput, EffectWrite, SessionId, SessionSummary, SummaryPatch } from '../store/types';
import type { RunnerEvent } from './runEvents';
import { type RunState, initialRunState, ownSpend, reduce } from './runState';
import { isUserStop } from './stopReasons';

export class RunnerError extends Error {
  override readonly name = 'RunnerError';

  constructor(
    readonly code: 'DAMAGED' | 'NOT_FOUND' | 'FINISHED' | 'INVALID',
    message: string,
  ) {
    super(message);
  }

  static is(e: unknown, code?: RunnerError['code']): e is RunnerError {
    return e instanceof RunnerError && (code === undefined || e.code === code);
  }
}

/** A blob's address (see `hashBlob`). */
export const hashBytes = (b: Uint8Array): BlobHash => hashBlob(b);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface AppendExtras {
  /** No fsync for this batch (see StepCommit.deferSync): only for results the runner can reconcile. */
  deferSync?: boolean;
  blobs?: BlobInput[];
  effects?: EffectWrite[];
  /** Messages this commit introduces (stored as blobs in the same batch). */
  messages?: Message[];
}

/**
 * One session's journal as the runner sees it: the state (snapshot + replay of the tail), and
 * `append`, which commits events and everything they reference in ONE atomic batch and only then
 * moves the in-memory state on. Messages are content-addressed blobs, read back through a cache.
 */
interface Staged {
  state: RunState;
  events: { step: number; e: RunnerEvent }[];
  blobs: BlobInput[];
  effects: EffectWrite[];
}

export class SessionJournal {
  private readonly messageCache = new Map<BlobHash, Message>();
  private staged: Staged | undefined;

  private constructor(
    private readonly store: CheckpointStore,
    readonly id: SessionId,
    private current: RunState,
    private head: number,
    private summaryRow: SessionSummary,
    private readonly now: () => number,
  ) {}

  static async open(store: CheckpointStore, id: SessionId, now: () => number = Date.now): Promise<SessionJournal> {
    const summary = await store.getSession(id);
    if (!summary) throw new RunnerError('NOT_FOUND', `no session ${id} in this workspace`);
    const load = await store.loadSession<RunState>(id);
    // Snapshots from older versions lack newer fields: the defaults fill them in.
    let state: RunState = { ...initialRunState(), ...load.snapshot?.state };
    let head = load.snapshot?.seq ?? 0;
    for await (const e of load.tail) {
      state = reduce(state, { type: e.type, data: e.data } as RunnerEvent);
      head = e.seq;
    }
    const damage = load.damage();
    if (damage || head !== load.summary.headSeq) {
      throw new RunnerError(
        'DAMAGED',
        `session ${id}: the journal is readable up to event ${damage?.lastValidSeq ?? head} of ${load.summary.headSeq}` +
          (damage ? ` (${damage.notices.map((n) => n.reason).join('; ')})` : ''),
      );
    }
    return new SessionJournal(store, id, state, head, load.summary, now);
  }

  /** The state including staged events. */
  get state(): RunState {
    return this.staged?.state ?? this.current;
  }

  /** Events are staged (held back for the next `append`). */
  get hasStaged(): boolean {
    return this.staged !== undefined;
  }

  get summary(): SessionSummary {
    return this.summaryRow;
  }

  get headSeq(): number {
    return this.head;
  }

  /**
   * Holds events back so that they go out in the same atomic batch as the next `append` (one
   * fsync instead of two). Only for events nothing outside the process depends on until then: a
   * crash before that append loses them, as if they had never happened.
   */
  stage(step: number, events: RunnerEvent[], extras: AppendExtras = {}): void {
    let state = this.state;
    for (const e of events) state = reduce(state, e);
    // Each message is serialized and hashed once, for the cache and for the store.
    const messages = (extras.messages ?? []).map((m): BlobInput => {
      const content = encodeMessage(m);
      const hash = hashBytes(content);
      this.messageCache.set(hash, m);
      return { content, hash };
    });
    const prev = this.staged;
    this.staged = {
      state,
      events: [...(prev?.events ?? []), ...events.map((e) => ({ step, e }))],
      blobs: [...(prev?.blobs ?? []), ...(extras.blobs ?? []), ...messages],
      effects: [...(prev?.effects ?? []), ...(extras.effects ?? [])],
    };
  }

  /**
   * Commits the staged events and `events` (and what they reference) in ONE atomic batch, then
   * moves the state on. Returns every event it committed, staged ones first.
   */
  async append(step: number, events: RunnerEvent[], extras: AppendExtras = {}): Promise<RunnerEvent[]> {
    this.stage(step, events, extras);
    const batch = this.staged as Staged;
    const after = batch.state;
    const result = await this.store.commit({
      sessionId: this.id,
      expectedHeadSeq: this.head,
      events: batch.events.map(({ step: s, e }) => ({ step: s, type: e.type, data: e.data })),
      blobs: batch.blobs,
      effects: batch.effects,
      summary: summaryOf(after),
      snapshot: () => after,
      ...(extras.deferSync ? { deferSync: true } : {}),
    });
    this.staged = undefined;
    this.current = after;
    this.head = result.headSeq;
    this.summaryRow = result.summary;
    // What a compaction took out of the conversation is not held for the rest of a long run (the journal has it).
    if (batch.events.some(({ e }) => e.type === 'compacted')) this.forgetOutside(after.messages);
    return batch.events.map(({ e }) => e);
  }

  private forgetOutside(messages: readonly BlobHash[]): void {
    const keep = new Set(messages);
    for (const h of [...this.messageCache.keys()]) if (!keep.has(h)) this.messageCache.delete(h);
  }

  async message(hash: BlobHash): Promise<Message> {
    const cached = this.messageCache.get(hash);
    if (cached) return cached;
    const m = JSON.parse(decoder.decode(await this.store.getBlob(hash))) as Message;
    this.messageCache.set(hash, m);
    return m;
  }

  /** The input the model gave the tool call `callId`, from the last assistant message. */
  async toolUseInput(callId: string): Promise<unknown> {
    const msgs = this.state.messages;
    for (let i = msgs.length - 1; i >= 0; i--) {
      const m = await this.message(msgs[i] as BlobHash);
      if (m.role !== 'assistant' || typeof m.content === 'string') continue;
      const block = m.content.find((b) => b.type === 'tool_use' && b.id === callId);
      if (block && block.type === 'tool_use') return block.input;
      break;
    }
    throw new RunnerError('INVALID', `the tool_use ${callId} is not in the last assistant message`);
  }

  /**
   * The messages to send: consecutive messages of one role (tool results, then a human note) merged
   * into one. A message without content is left out: the model does end a turn with none (after tool
   * results), and the API refuses an empty message anywhere but last, so a session continued after
   * one (a fork of its last step, a new message) could never be sent again.
   */
  async conversation(): Promise<Message[]> {
    const all = await Promise.all(this.current.messages.map((h) => this.message(h)));
    const out: Message[] = [];
    for (const journaled of all) {
      // An empty text block (a turn that ended with nothing) is refused by the API ("text content blocks must be non-empty").
      const m = typeof journaled.content === 'string' ? journaled : { ...journaled, content: journaled.content.filter((b) => b.type !== 'text' || b.text !== '') };
      if (m.content.length === 0) continue;
      const prev = out[out.length - 1];
      if (prev && prev.role === m.role) out[out.length - 1] = { role: m.role, content: [...blocks(prev), ...blocks(m)] };
      else out.push(m);
    }
    return out;
  }

  getBlob(hash: BlobHash): Promise<Uint8Array> {
    return this.store.getBlob(hash);
  }
}

const blocks = (m: Message): ContentBlock[] => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content);

export const encodeMessage = (m: Message): Uint8Array => encoder.encode(JSON.stringify(m));
export const hashMessage = (m: Message): BlobHash => hashBytes(encodeMessage(m));

/** The session's row as its journal's state `s` makes it (each commit's summary; an import's too). */
export function summaryOf(s: RunState): SummaryPatch {
  const open = s.openApprovals[0];
  const own = ownSpend(s);
  // Only a running session's command waits for its turn (one whose wait ended with an earlier run waits for nothing, resumed or not).
  const queued = s.status === 'running' ? s.calls.find((c) => c.queued && !c.queued.ended && !c.result)?.queued : undefined;
  return {
    queued: queued ? { ...(queued.behind !== undefined ? { behind: queued.behind as SessionId } : {}) } : null,
    status: s.status,
    stepCount: s.counters.steps,
    tokens: own.usage,
    costUsd: own.costUsd,
    pendingApproval: open
      ? { id: open.approvalId, tool: open.name ?? open.kind, summary: open.reasons.join('; '), requestedAt: open.requestedAt, ...(s.status === 'waiting' && isUserStop(s.statusReason) ? { held: true } : {}) }
      : null,
  };
}
