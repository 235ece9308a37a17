import { createHash } from 'node:crypto';
import type { BlobHash, BlobInput, NewEvent, SessionId, StepCommit, TokenUsage } from '../../src/core/store/types';
import type { StepPlan } from './scenario';

/**
 * How the bench's "agent" records one W1 step in the store, the way the runner would: messages
 * and compiler output as content-addressed blobs, the edited file's new version as a blob with
 * deltaBase = its previous version, events that carry only hashes, one effect record for the tool
 * call, the summary patch, and a snapshot thunk the store calls every `snapshotEvery` events.
 */
export interface MessageEvent {
  role: 'assistant' | 'user';
  blob: BlobHash;
  toolUse?: { id: string; name: string };
  toolResultFor?: string;
}

export interface FileVersionEvent {
  path: string;
  hash: BlobHash;
  /** The version this one replaces (the original file on the first edit). */
  base: BlobHash;
}

export interface DiagnosticsEvent {
  blob: BlobHash;
  lines: number;
}

/** The runner state a snapshot holds: enough to rebuild the conversation and know the workspace. */
export interface ConversationState {
  step: number;
  messages: BlobHash[];
  files: Record<string, BlobHash>;
}

export const EVENT = { message: 'message', fileVersion: 'file_version', diagnostics: 'diagnostics' } as const;

const enc = new TextEncoder();

export function sha256(bytes: Uint8Array): BlobHash {
  return createHash('sha256').update(bytes).digest('hex') as BlobHash;
}

/** A fold of one journal event into the state (used by the resume child too). */
export function applyEvent(state: ConversationState, type: string, data: unknown): void {
  if (type === EVENT.message) state.messages.push((data as MessageEvent).blob);
  else if (type === EVENT.fileVersion) {
    const v = data as FileVersionEvent;
    state.files[v.path] = v.hash;
  }
}

export interface FileChange {
  path: string;
  before: Uint8Array;
  after: Uint8Array;
}

export class CommitBuilder {
  readonly state: ConversationState = { step: 0, messages: [], files: {} };
  private readonly tokens: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  private readonly conversation = createHash('sha256');
  head = 0;
  /** Bytes of content handed to the store (before its compression and deltas). */
  newBytes = 0;

  constructor(private readonly sessionId: SessionId) {}

  /** The commit of `plan`; `change` is the edit already on disk (even steps). */
  build(plan: StepPlan, change?: FileChange): StepCommit {
    const assistant = enc.encode(plan.assistant);
    const user = enc.encode(plan.user);
    const blobs: BlobInput[] = [{ content: assistant }, { content: user }];
    const events: NewEvent[] = [
      { step: plan.step, type: EVENT.message, data: { role: 'assistant', blob: sha256(assistant), toolUse: { id: plan.toolUseId, name: plan.tool } } satisfies MessageEvent },
      { step: plan.step, type: EVENT.message, data: { role: 'user', blob: sha256(user), toolResultFor: plan.toolUseId } satisfies MessageEvent },
    ];
    this.newBytes += assistant.length + user.length;
    this.conversation.update(assistant).update(user);
    if (change) this.addFileVersion(plan.step, change, blobs, events);
    if (plan.edit) this.newBytes += plan.edit.lines.join('\n').length + 1;
    if (plan.compilerOutput !== undefined) {
      const out = enc.encode(plan.compilerOutput);
      blobs.push({ content: out });
      events.push({ step: plan.step, type: EVENT.diagnostics, data: { blob: sha256(out), lines: plan.compilerOutput.split('\n').length - 1 } satisfies DiagnosticsEvent });
      this.newBytes += out.length;
    }
    for (const e of events) applyEvent(this.state, e.type, e.data);
    this.state.step = plan.step;
    this.tokens.input += 2000 + this.state.messages.length * 900;
    this.tokens.output += 450;
    const state = this.state;
    return {
      sessionId: this.sessionId,
      expectedHeadSeq: this.head,
      events,
      blobs,
      effects: [{ step: plan.step, actionId: plan.toolUseId, phase: 'result', data: { tool: plan.tool, ok: true } }],
      summary: { stepCount: plan.step, tokens: { ...this.tokens }, costUsd: (this.tokens.input * 3 + this.tokens.output * 15) / 1e6 },
      snapshot: () => state,
    };
  }

  private addFileVersion(step: number, change: FileChange, blobs: BlobInput[], events: NewEvent[]): void {
    const known = this.state.files[change.path];
    const base = known ?? sha256(change.before);
    // The first edit of a file also stores its original, so that a rewind can go back before it.
    if (!known) blobs.push({ content: change.before });
    const hash = sha256(change.after);
    blobs.push({ content: change.after, deltaBase: base });
    events.push({ step, type: EVENT.fileVersion, data: { path: change.path, hash, base } satisfies FileVersionEvent });
  }

  /** sha-256 over every message blob in order: what a resumed conversation must reproduce. */
  conversationDigest(): string {
    return this.conversation.copy().digest('hex');
  }
}
