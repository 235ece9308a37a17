import { type ApprovalEntry, clip, type DiagnosticsDelta, type FileStat, type NoteEntry, type NoteTone, type TimelineEntry, type ToolEntry } from '../../shared/timeline';
import type { JournalEvent } from '../store/types';
import type { RunnerEvent, SideEffect, ToolStartedData } from './runEvents';
import { describeEvent, foreignEventText, modeOnly } from './timeline';
import { count } from '../util/plural';
import { recordKey } from '../checkpoints/checkpointEvents';

/**
 * Journal events -> sidebar timeline entries (pure, no I/O). The host loads what the journal keeps
 * by hash (message texts, line counts of changed files) before folding: `blobsNeeded` says which.
 */

export interface LineStats {
  added: number;
  removed: number;
}

/** Synchronous lookups into what the host preloaded; undefined means "not loaded". */
export interface TimelineLookups {
  messageText(hash: string): string | undefined;
  lineStats(before: string | null, after: string | null): LineStats | undefined;
}

export interface TimelineState {
  entries: Map<string, TimelineEntry>;
  /** The seq of the last event folded in. */
  lastSeq: number;
  /** Planned file mutations of calls whose result has not come yet. */
  started: Map<string, FileStat[]>;
  /** Rewind and undo records by `recordKey`: their settlement may say that fewer files were written. */
  records: Map<string, JournalEvent>;
  /** The id of the latest model turn's entry: its step settles when the turn's results go back. */
  lastTurn?: string;
}

export interface ChangePair {
  before: string | null;
  after: string | null;
}

export const emptyTimeline = (): TimelineState => ({ entries: new Map(), lastSeq: 0, started: new Map(), records: new Map() });

/** Drift and human messages can be long; the note shows their start. */
const NOTE_CHARS = 1000;

const STATUS_NOTE: Record<string, [NoteTone, string]> = {
  running: ['info', 'play'],
  waiting: ['warning', 'bell'],
  paused: ['info', 'debug-pause'],
  interrupted: ['warning', 'debug-disconnect'],
  completed: ['success', 'check'],
  failed: ['error', 'error'],
};

/** The hashes the fold will look up for these events. */
export function blobsNeeded(events: readonly JournalEvent[]): { messages: string[]; changes: ChangePair[] } {
  const messages: string[] = [];
  const changes: ChangePair[] = [];
  for (const e of events) {
    const ev = e as unknown as RunnerEvent;
    // Read defensively: an event another writer committed may lack the fields (see `foreignEventText`).
    if (!ev.data || typeof ev.data !== 'object') continue;
    if (ev.type === 'model_turn' && typeof ev.data.message === 'string') messages.push(ev.data.message);
    if (ev.type === 'message_added' && ev.data.reason !== 'tool_results' && typeof ev.data.message === 'string') messages.push(ev.data.message);
    if (ev.type === 'tool_started') for (const m of ev.data.mutations ?? []) changes.push({ before: m.beforeHash, after: m.afterHash });
    if (ev.type === 'tool_result') for (const s of ev.data.sideEffects ?? []) if (!s.binary && !s.tooLarge && s.beforeLink === undefined && s.afterLink === undefined && !modeOnly(s)) changes.push({ before: s.beforeHash, after: s.afterHash });
  }
  return { messages, changes };
}

/** Folds events (in seq order, after `state.lastSeq`) into the state; returns the ids of the entries that changed. */
export function applyEvents(state: TimelineState, events: readonly JournalEvent[], look: TimelineLookups): Set<string> {
  const changed = new Set<string>();
  for (const e of events) {
    if (e.seq <= state.lastSeq) continue;
    state.lastSeq = e.seq;
    let ids: string[];
    try {
      ids = applyOne(state, e, look);
    } catch {
      // Not in the runner's format (another writer's event): one plain line, the rest of the timeline intact.
      ids = [put(state, note(e, 'info', 'circle-small', foreignEventText(e)))];
    }
    for (const id of ids) changed.add(id);
  }
  return changed;
}

function put<T extends TimelineEntry>(state: TimelineState, entry: T): string {
  state.entries.set(entry.id, entry);
  return entry.id;
}

function toolEntry(state: TimelineState, e: JournalEvent, callId: string, name: string): ToolEntry {
  const existing = state.entries.get(`tool:${callId}`);
  if (existing?.kind === 'tool') return existing;
  const entry: ToolEntry = { kind: 'tool', id: `tool:${callId}`, order: e.seq, step: e.step, at: e.at, callId, name, input: clip(''), state: 'planned', result: null, recovered: null, files: [], symbols: [], diagnostics: null };
  state.entries.set(entry.id, entry);
  return entry;
}

function note(e: JournalEvent, tone: NoteTone, icon: string, text: string): NoteEntry {
  return { kind: 'note', id: `note:${e.seq}`, order: e.seq, step: e.step, at: e.at, tone, icon, text };
}

function stat(path: string, kind: FileStat['kind'], before: string | null, after: string | null, look: TimelineLookups): FileStat {
  const lines = look.lineStats(before, after);
  return { path, kind, added: lines?.added ?? null, removed: lines?.removed ?? null };
}

function sideEffectStats(list: readonly SideEffect[], look: TimelineLookups): FileStat[] {
  return list.map((s): FileStat => {
    if (s.beforeLink !== undefined || s.afterLink !== undefined) return { path: s.path, kind: s.kind, added: null, removed: null, links: { ...(s.beforeLink !== undefined ? { beforeLink: s.beforeLink } : {}), ...(s.afterLink !== undefined ? { afterLink: s.afterLink } : {}) } };
    if (s.binary || s.tooLarge) return { path: s.path, kind: s.kind, added: null, removed: null, hashOnly: s.binary ? 'binary' : 'too large', ...(s.binary && !s.tooLarge && s.unkept ? { unkept: true as const } : {}) };
    // The execute bit alone (chmod +x): the same contents on both sides, no line changed and nothing missing.
    if (modeOnly(s)) return { path: s.path, kind: s.kind, added: 0, removed: 0 };
    // A text file with a side not kept has no line counts: one side is a hash.
    if (s.unkept || s.afterUnkept) return { path: s.path, kind: s.kind, added: null, removed: null, hashOnly: 'not kept', ...(s.unkept ? { unkept: true as const } : {}), ...(s.afterUnkept ? { afterUnkept: true as const } : {}) };
    return stat(s.path, s.kind, s.beforeHash, s.afterHash, look);
  });
}

function applyOne(state: TimelineState, e: JournalEvent, look: TimelineLookups): string[] {
  const ev = { type: e.type, data: e.data } as RunnerEvent;
  switch (ev.type) {
    case 'session_started':
      return [put(state, { kind: 'start', id: `start:${e.seq}`, order: e.seq, step: e.step, at: e.at, task: clip(ev.data.task), models: ev.data.models })];
    case 'model_turn': {
      const d = ev.data;
      state.lastTurn = `turn:${e.seq}`;
      return [put(state, {
        kind: 'model', id: `turn:${e.seq}`, order: e.seq, step: e.step, at: e.at, turn: d.turn, model: d.model,
        text: clip(look.messageText(d.message) ?? ''), calls: d.calls.map((c) => c.name),
        tokensIn: d.usage.input, tokensOut: d.usage.output, costUsd: d.costUsd,
        retries: d.retries.map((r) => ({ model: r.model, attempt: r.attempt, code: r.code, reason: r.reason, delayMs: r.delayMs })),
        // A turn without calls is its step's end; one with calls ends when their results go back.
        settled: d.calls.length === 0,
      })];
    }
    case 'tool_planned':
    case 'tool_started':
    case 'tool_result':
    case 'approval_requested':
    case 'approval_decided':
    case 'command_turn':
      return applyCallEvent(state, e, ev, look);
    case 'message_added': {
      const d = ev.data;
      if (d.reason === 'tool_results') return settleTurn(state);
      const text = look.messageText(d.message)?.slice(0, NOTE_CHARS);
      if (d.reason === 'continue' || d.reason === 'no_answer') return [put(state, note(e, 'warning', 'warning', describeEvent(ev).trim()))];
      if (d.reason === 'drift') return [put(state, note(e, 'warning', 'warning', text ? `Files changed on disk while the session was away: ${text}` : describeEvent(ev).trim()))];
      return [put(state, note(e, 'info', 'comment', text ? `You: ${text}` : describeEvent(ev).trim()))];
    }
    case 'status': {
      const [tone, icon] = STATUS_NOTE[ev.data.status] ?? ['info', 'info'];
      return [...questionsAfter(state, ev.data.status, ev.data.reason), ...callsStopped(state, ev.data.status), put(state, note(e, tone, icon, describeEvent(ev).trim()))];
    }
    case 'budgets_changed':
    case 'models_changed':
      return [put(state, note(e, 'info', 'dashboard', describeEvent(ev).trim()))];
    default:
      return otherNotes(state, e);
  }
}

/**
 * The calls that ran or waited their turn when the session stopped (its process died, it was paused
 * or failed): nothing runs or waits any more, so they read interrupted (not spinning) until the
 * resume settles them. A session waiting for an answer (paused at a question) runs no call.
 */
function callsStopped(state: TimelineState, status: string): string[] {
  if (status === 'running' || status === 'waiting') return [];
  const changed: string[] = [];
  for (const x of [...state.entries.values()]) if (x.kind === 'tool' && (x.state === 'running' || x.state === 'queued')) changed.push(put(state, { ...x, state: 'interrupted' }));
  return changed;
}

/**
 * The unanswered questions once the session's status changes: a stopped session (cancelled,
 * failed) asks nobody, so they say why instead of waiting; any other status (a retry) asks them again.
 */
function questionsAfter(state: TimelineState, status: string, reason: unknown): string[] {
  const stopped = status === 'failed' || status === 'completed' ? (typeof reason === 'string' && reason.trim() ? reason.trim() : 'stopped') : null;
  const changed: string[] = [];
  for (const x of [...state.entries.values()]) {
    if (x.kind !== 'approval' || x.decision !== null || x.stopped === stopped) continue;
    changed.push(put(state, { ...x, stopped }));
    // Its call said "Waiting for your approval" with a bell too: planned (not run) while nobody is asked.
    const call = x.callId === null ? undefined : state.entries.get(`tool:${x.callId}`);
    const want = stopped === null ? 'waiting' : 'planned';
    if (call?.kind === 'tool' && (call.state === 'waiting' || call.state === 'planned') && call.state !== want) changed.push(put(state, { ...call, state: want }));
  }
  return changed;
}

/** The latest turn's calls came back: its step is a checkpoint now. */
function settleTurn(state: TimelineState): string[] {
  const turn = state.lastTurn === undefined ? undefined : state.entries.get(state.lastTurn);
  if (turn?.kind !== 'model' || turn.settled) return [];
  return [put(state, { ...turn, settled: true })];
}

/**
 * A rewind's note offers its undo; the undo's note takes that offer back from it. A settlement that
 * names files left alone at the last moment corrects its record's note, and has none of its own.
 */
const partOf = (d: unknown): number | undefined => {
  const part = (d as { part?: unknown } | null)?.part;
  return typeof part === 'number' ? part : undefined;
};

function otherNotes(state: TimelineState, e: JournalEvent): string[] {
  const id = (e.data as { rewindId?: unknown } | null)?.rewindId;
  if (e.type === 'rewind_settled') {
    const d = e.data as { undo?: unknown; notWritten?: unknown; part?: unknown };
    const late = Array.isArray(d.notWritten) ? d.notWritten.length : 0;
    const record = typeof id === 'string' ? state.records.get(recordKey(d.undo === true ? 'rewind_undone' : 'rewind', id, partOf(d))) : undefined;
    const was = record && state.entries.get(`note:${record.seq}`);
    // An undo's renames done, every file written: the rewind has nothing left to give back.
    const done = d.undo === true && record && late === 0 && !leftAlone(record) && typeof id === 'string' ? takeBackOffer(state, id) : [];
    if (!record || was?.kind !== 'note' || late === 0) return done;
    const fixed = otherNote(record, late);
    return [...done, put(state, fixed.rewind && was.rewind ? { ...fixed, rewind: { ...fixed.rewind, undone: was.rewind.undone } } : fixed)];
  }
  if ((e.type === 'rewind' || e.type === 'rewind_undone') && typeof id === 'string') state.records.set(recordKey(e.type, id, partOf(e.data)), e);
  const changed = [put(state, otherNote(e))];
  // An undo that left files alone leaves the rewind's offer standing: a later undo gives them back.
  // One with renames or memory to do takes the offer back with its settlement (a crash may cut them short).
  if (e.type === 'rewind_undone' && typeof id === 'string' && !leftAlone(e)) {
    const d = e.data as { tag?: unknown; files?: unknown; memoryReverts?: unknown };
    const renames = typeof d.tag === 'string' && Array.isArray(d.files) && d.files.length > 0;
    const memory = Array.isArray(d.memoryReverts) && d.memoryReverts.length > 0;
    if (!renames && !memory) changed.push(...takeBackOffer(state, id));
  }
  return changed;
}

/** An undo record that left some of the rewind's files alone. */
function leftAlone(record: JournalEvent): boolean {
  const skipped = (record.data as { skipped?: unknown } | null)?.skipped;
  return Array.isArray(skipped) && skipped.length > 0;
}

/** The rewind's note no longer offers its undo. */
function takeBackOffer(state: TimelineState, rewindId: string): string[] {
  const changed: string[] = [];
  for (const x of state.entries.values()) {
    if (x.kind === 'note' && x.rewind?.id === rewindId && !x.rewind.undone) changed.push(put(state, { ...x, rewind: { ...x.rewind, undone: true } }));
  }
  return changed;
}

/** Tool calls and approvals: a call's entry changes with each stage, and with the approval about it. */
function applyCallEvent(state: TimelineState, e: JournalEvent, ev: RunnerEvent, look: TimelineLookups): string[] {
  switch (ev.type) {
    case 'tool_planned': {
      const t = toolEntry(state, e, ev.data.callId, ev.data.name);
      return [put(state, { ...t, name: ev.data.name, input: clip(JSON.stringify(ev.data.input, null, 2) ?? ''), state: t.state === 'waiting' ? 'waiting' : 'planned' })];
    }
    case 'tool_started':
      return [started(state, e, ev.data, look)];
    case 'command_turn': {
      // A command waiting for another session's in its folder, then running (its result settles it).
      const t = state.entries.get(`tool:${ev.data.callId}`);
      return t?.kind === 'tool' && (t.state === 'running' || t.state === 'queued' || t.state === 'interrupted') ? [put(state, { ...t, state: ev.data.waiting ? 'queued' : 'running' })] : [];
    }
    case 'tool_result': {
      const d = ev.data;
      const t = toolEntry(state, e, d.callId, d.name);
      const applied = !d.isError && d.recovered !== 'skipped';
      const planned = applied ? (state.started.get(d.callId) ?? []) : [];
      state.started.delete(d.callId);
      const outlined = new Map((d.outlines ?? []).map((o) => [o.path, o.symbols]));
      const files = [...planned, ...sideEffectStats(d.sideEffects ?? [], look)].map((f) => (outlined.has(f.path) ? { ...f, symbols: outlined.get(f.path) as number } : f));
      const toolState = d.recovered === 'skipped' ? 'skipped' : d.isError ? 'error' : 'done';
      return [put(state, { ...t, state: toolState, result: clip(d.content), recovered: d.recovered ?? null, files, symbols: d.symbols ?? [], diagnostics: diagnosticsOf((d as { diagnostics?: unknown }).diagnostics) })];
    }
    case 'approval_requested': {
      const d = ev.data;
      const ids = d.callId ? [put(state, { ...toolEntry(state, e, d.callId, d.name ?? 'tool'), state: 'waiting' })] : [];
      const entry: ApprovalEntry = { kind: 'approval', id: `approval:${d.approvalId}`, order: e.seq, step: e.step, at: e.at, approvalId: d.approvalId, approvalKind: d.kind, callId: d.callId ?? null, tool: d.name ?? null, reasons: d.reasons, requestedAt: d.requestedAt, decision: null, decidedAt: null, text: null, stopped: null };
      return [...ids, put(state, entry)];
    }
    case 'approval_decided': {
      const a = state.entries.get(`approval:${ev.data.approvalId}`);
      if (a?.kind !== 'approval') return [put(state, note(e, 'info', 'check', describeEvent(ev).trim()))];
      return [put(state, { ...a, decision: ev.data.decision, decidedAt: e.at, text: ev.data.text ?? null })];
    }
    default:
      return [];
  }
}

function started(state: TimelineState, e: JournalEvent, d: ToolStartedData, look: TimelineLookups): string {
  const t = state.entries.get(`tool:${d.callId}`);
  const files = (d.mutations ?? []).map((m) => stat(m.path, m.beforeHash === null ? 'created' : m.afterHash === null ? 'deleted' : 'modified', m.beforeHash, m.afterHash, look));
  state.started.set(d.callId, files);
  if (t?.kind !== 'tool') return put(state, { ...toolEntry(state, e, d.callId, 'tool'), state: 'running', files });
  return put(state, { ...t, state: 'running', files });
}

/** Events written outside the runner (rewind, undo) and types this view does not know. `late`: files the record lists but did not write. */
function otherNote(e: JournalEvent, late = 0): NoteEntry {
  const d = (e.data ?? {}) as { files?: unknown[]; targetStep?: number; skipped?: unknown[]; rewindId?: unknown; memoryReverts?: unknown[]; mode?: unknown; forkId?: unknown };
  const n = (Array.isArray(d.files) ? d.files.length : 0) - late;
  const kept = (Array.isArray(d.skipped) ? d.skipped.length : 0) + late;
  if (e.type === 'rewind') {
    const to = d.targetStep ? `step ${d.targetStep}` : 'before the session';
    // The conversation goes on in a fork: the note says so, instead of "Rewound 0 files".
    const fork = typeof d.forkId === 'string' ? '; it continues in a new session' : '';
    const what = d.mode === 'conversation' ? `Conversation rewound to ${to}${fork}` : `Rewound ${count(n, 'file')}${d.mode === 'both' ? ' and the conversation' : ''} to ${to}${kept ? `, ${kept} kept` : ''}${fork}`;
    const entry = note(e, 'info', 'history', what);
    return (n > 0 || (d.memoryReverts?.length ?? 0) > 0) && typeof d.rewindId === 'string' ? { ...entry, rewind: { seq: e.seq, id: d.rewindId, undone: false } } : entry;
  }
  if (e.type === 'rewind_undone') return note(e, 'info', 'discard', `Rewind undone: ${count(n, 'file')} restored${kept ? `, ${kept} kept` : ''}`);
  return note(e, 'info', 'circle-small', describeEvent({ type: e.type, data: e.data } as RunnerEvent).trim());
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The step's findings, read defensively: the field is optional and older journals lack it. */
export function diagnosticsOf(raw: unknown): DiagnosticsDelta | null {
  if (!raw || typeof raw !== 'object') return null;
  const d = raw as { errors?: unknown; warnings?: unknown; delta?: { errors?: unknown; warnings?: unknown }; introduced?: unknown; introducedCount?: unknown; resolvedCount?: unknown; unavailable?: unknown; unchecked?: unknown; notUnderstood?: { count?: unknown; lines?: unknown } };
  const introduced = Array.isArray(d.introduced) ? d.introduced.slice(0, 10).map(findingLine) : [];
  return {
    errors: num(d.errors),
    warnings: num(d.warnings),
    deltaErrors: num(d.delta?.errors),
    deltaWarnings: num(d.delta?.warnings),
    introduced,
    introducedCount: num(d.introducedCount) || introduced.length,
    resolvedCount: num(d.resolvedCount),
    unavailable: typeof d.unavailable === 'string' ? d.unavailable : null,
    unchecked: Array.isArray(d.unchecked) ? d.unchecked.filter((p): p is string => typeof p === 'string').slice(0, 10) : [],
    notUnderstood: d.notUnderstood && num(d.notUnderstood.count) > 0 ? { count: num(d.notUnderstood.count), lines: Array.isArray(d.notUnderstood.lines) ? d.notUnderstood.lines.filter((l): l is string => typeof l === 'string').slice(0, 5).map((l) => l.slice(0, 300)) : [] } : null,
  };
}

function findingLine(f: unknown): string {
  const x = (f ?? {}) as { path?: unknown; line?: unknown; severity?: unknown; message?: unknown };
  return `${String(x.path ?? '?')}:${num(x.line)} ${String(x.severity ?? '')}: ${String(x.message ?? '')}`.slice(0, 300);
}
