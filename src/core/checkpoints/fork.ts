import type { Message } from '../model/types';
import { messageChars } from '../runner/compaction';
import type { RunnerEvent } from '../runner/runEvents';
import { type RunState, initialRunState, ownSpend, reduce } from '../runner/runState';
import { encodeMessage, hashMessage } from '../runner/sessionJournal';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, JournalEvent, NewEvent, SessionId, SessionSummary } from '../store/types';
import { CheckpointError, isRunnerEventType, readJournal, requireStep } from './checkpointEvents';

/** Where a step ends: the last event of it (or an earlier step) after which the state is settled. */
export interface StepBoundary {
  /** Seq of that event (the fork's parent link points here). */
  seq: number;
  step: number;
  /** The runner events up to it, in order. */
  events: JournalEvent[];
  state: RunState;
}

/**
 * The end of `step`: the last runner event with `step <= step` after which no call is open and no
 * approval is pending (the tool results went back to the model, or the turn made no calls). A step
 * that never settled (a crash, a parked approval) ends where the previous one did.
 */
export function stepBoundary(journal: readonly JournalEvent[], step: number): StepBoundary {
  let state = initialRunState();
  let best: StepBoundary | undefined;
  const events: JournalEvent[] = [];
  for (const e of journal) {
    if (e.step > step) break;
    if (!isRunnerEventType(e.type)) continue;
    state = reduce(state, { type: e.type, data: e.data } as RunnerEvent);
    events.push(e);
    if (state.calls.length === 0 && state.openApprovals.length === 0) best = { seq: e.seq, step: e.step, events: [...events], state };
  }
  if (!best) throw new CheckpointError('INVALID', `the journal has no settled point at or before step ${step}`);
  return best;
}

export interface ForkOptions {
  /** A user message the fork starts with (needed when the step ended the session). */
  message?: string;
  title?: string;
  now?: () => number;
  /**
   * The fork's id, fixed by the caller (a rewind's fork, so that the rewind retried after a crash
   * finds the fork its first attempt made instead of making another). When a session with this id
   * exists: the very fork, untouched since, is returned as it is; one a crash stopped between its
   * two writes is completed; anything else (the user went on in it, renamed or pinned it) is kept, and
   * the fork gets a new id, as it does when a session with this id was deleted before.
   */
  id?: SessionId;
}

/**
 * A new session whose journal is a copy of the source's runner events up to the end of `atStep`
 * (see stepBoundary), linked to the source by `parent: {sessionId, seq, step}`; the source is not
 * touched. The copy references the same blobs (messages, file contents, outputs) and takes a
 * reference on each, so deleting the source never takes the fork's contents with it. One atomic
 * commit, with a snapshot; the fork is `paused` and `Runner.run(fork)` continues from there.
 */
export async function forkSession(store: CheckpointStore, sourceId: SessionId, atStep: number, o: ForkOptions = {}): Promise<SessionSummary> {
  const source = await store.getSession(sourceId);
  if (!source) throw new CheckpointError('NOT_FOUND', `no session ${sourceId} in this workspace`);
  const journal = await readJournal(store, sourceId);
  requireStep(sourceId, atStep, journal.at(-1)?.step ?? 0);
  const b = stepBoundary(journal, atStep);
  if (b.state.status === 'completed' && o.message === undefined) {
    throw new CheckpointError('INVALID', `step ${b.step} ended the session: a fork from it needs a message to continue with`);
  }
  const { events, state, messages } = forkJournal(b, sourceId, o.message);
  const contents = await forkContents(store, b.events);
  const effects = (await store.listEffects(sourceId)).filter((r) => r.step <= b.step);
  // Created 'failed' and made 'paused' by the commit: a crash in between leaves an empty, finished
  // session that retention may remove, never one that looks resumable.
  const title = o.title ?? forkTitle(source.title, b.step);
  const existing = o.id === undefined ? undefined : await store.getSession(o.id);
  // The very fork: same source and point, and nothing the user did to it since (run, renamed, pinned).
  const sameFork = existing?.parent?.sessionId === sourceId && existing.parent.seq === b.seq && existing.title === title && !existing.pinned;
  if (existing && sameFork && existing.headSeq === events.length && existing.status === state.status) return existing;
  // An id deleted before is never given out again: what is kept per session id elsewhere (long-term
  // memory, a deletion not yet purged) would then belong to the new session.
  const reusable = o.id !== undefined && !existing && !(await store.listDeletions()).some((d) => d.sessionId === o.id);
  const fork =
    existing && sameFork && existing.headSeq === 0
      ? existing
      : await store.createSession({
          ...(reusable ? { id: o.id } : {}),
          title,
          status: 'failed',
          parent: { sessionId: sourceId, seq: b.seq, step: b.step },
        });
  const done = await store.commit({
    sessionId: fork.id,
    expectedHeadSeq: 0,
    events,
    blobs: [...contents.map((content) => ({ content })), ...messages.map((m) => ({ content: encodeMessage(m) }))],
    effects: effects.flatMap((r) => [
      ...(r.intent ? [{ step: r.step, actionId: r.actionId, phase: 'intent' as const, data: r.intent.data }] : []),
      ...(r.result ? [{ step: r.step, actionId: r.actionId, phase: 'result' as const, data: r.result.data }] : []),
    ]),
    summary: { status: state.status, stepCount: state.counters.steps, tokens: ownSpend(state).usage, costUsd: ownSpend(state).costUsd, pendingApproval: null },
    snapshot: () => state,
    forceSnapshot: true,
  });
  return done.summary;
}

/**
 * "<title> (fork at step N)": a fork of a fork drops its source's own suffix, so that the chain
 * reads as the first session's title once, with the step this fork was taken at (the parent link
 * keeps which fork it came from).
 */
function forkTitle(sourceTitle: string, step: number): string {
  return `${sourceTitle.replace(/ \(fork at step \d+\)$/, '')} (fork at step ${step})`;
}

/** The fork's events: the copy, then the optional user message and a `paused` status (a fork is idle until a runner picks it up). */
function forkJournal(b: StepBoundary, sourceId: SessionId, message: string | undefined): { events: NewEvent[]; state: RunState; messages: Message[] } {
  const events: NewEvent[] = b.events.map((e) => ({ step: e.step, type: e.type, data: e.data }));
  const extra: RunnerEvent[] = [];
  const messages: Message[] = [];
  if (message !== undefined) {
    const m: Message = { role: 'user', content: message };
    messages.push(m);
    extra.push({ type: 'message_added', data: { role: 'user', message: hashMessage(m), reason: 'human', chars: messageChars(m) } });
  }
  extra.push({ type: 'status', data: { status: 'paused', reason: `forked from ${sourceId} at step ${b.step}`, forked: true } });
  let state = b.state;
  for (const e of extra) {
    state = reduce(state, e);
    events.push({ step: b.step, type: e.type, data: e.data });
  }
  return { events, state, messages };
}

/**
 * Every blob the events point at. `required`: the conversation (messages, and the messages a
 * compaction replaced or restored), without which the fork cannot run. `optional`: file contents
 * (edits, merges, files a command changed or the model read), full tool outputs and compiler findings, which a step
 * may have recorded by hash only (a binary or too-large file, a content no longer at hand when the
 * command ended): the fork takes a reference on each one the store holds.
 */
export function referencedBlobs(events: readonly { type: string; data: unknown }[]): { required: BlobHash[]; optional: BlobHash[] } {
  const required = new Set<BlobHash>();
  const optional = new Set<BlobHash>();
  const opt = (h: string | null | undefined) => {
    if (h) optional.add(h as BlobHash);
  };
  for (const e of events) {
    if (!isRunnerEventType(e.type)) continue;
    const ev = e as RunnerEvent;
    switch (ev.type) {
      case 'session_started':
        if (ev.data.firstMessage) required.add(ev.data.firstMessage);
        break;
      case 'model_turn':
        required.add(ev.data.message);
        break;
      case 'message_added':
        required.add(ev.data.message);
        // A drift note's disk versions: the next drift check diffs from them.
        for (const f of ev.data.seen ?? []) opt(f.hash);
        break;
      case 'compacted':
        required.add(ev.data.summary);
        ev.data.replaced.forEach((h) => required.add(h));
        break;
      case 'compaction_undone':
        ev.data.restore.forEach((h) => required.add(h));
        break;
      case 'tool_planned':
      case 'tool_started':
        for (const m of ev.data.mutations ?? []) {
          opt(m.beforeHash);
          opt(m.afterHash);
        }
        break;
      case 'tool_result':
        opt(ev.data.outputBlob);
        opt(ev.data.diagnostics?.blob);
        for (const o of ev.data.outlines ?? []) opt(o.outline);
        for (const m of ev.data.merged ?? []) {
          opt(m.beforeHash);
          opt(m.afterHash);
        }
        // A binary (or too large) side may still have its old bytes kept: optional refs are taken only when the store has them.
        for (const se of ev.data.sideEffects ?? []) {
          opt(se.beforeHash);
          opt(se.afterHash);
        }
        for (const f of ev.data.seen ?? []) opt(f.hash);
        break;
      default:
        break;
    }
  }
  for (const h of required) optional.delete(h);
  return { required: [...required], optional: [...optional] };
}

/** The contents of the blobs the fork must reference: all the required ones (or it fails), the optional ones the store has. */
async function forkContents(store: CheckpointStore, events: readonly JournalEvent[]): Promise<Uint8Array[]> {
  const refs = referencedBlobs(events);
  const present = await Promise.all(refs.optional.map((h) => store.hasBlob(h)));
  return store.getBlobs([...refs.required, ...refs.optional.filter((_, i) => present[i])]);
}
