/**
 * A session's timeline as the sidebar shows it: plain data built by the host from the journal
 * (src/core/runner/timelineView.ts) and sent to the webview. Entries have stable ids, so a delta is
 * a list of entries to insert or replace; `order` (the journal seq that opened the entry) sorts them.
 */

import type { LinkSides } from './linkNote';

/** One file a step changed, with its line counts (null: binary, too large, or not counted yet). */
export interface FileStat {
  path: string;
  kind: 'created' | 'modified' | 'deleted' | 'renamed';
  added: number | null;
  removed: number | null;
  /**
   * Shown by hash and size only: a binary file (a rewind restores it unless `unkept`), one over the
   * size limit, or a text file whose contents were not kept (`unkept`, `afterUnkept`): kept by hash only.
   */
  hashOnly?: 'binary' | 'too large' | 'not kept';
  /** A binary or text file whose earlier contents were not at hand (kept by hash only): a rewind cannot restore that version. */
  unkept?: true;
  /** A text file whose new contents were not kept (the step changed more text than the capture holds at once). */
  afterUnkept?: true;
  /** A side that is a symlink (its text, never followed): the row says so instead of line counts. */
  links?: LinkSides;
  /** The step kept this version's outline (its AST snapshot): how many symbols it has. */
  symbols?: number;
}

/** A long text cut for the wire: `full` is how long the original was. */
export interface Clipped {
  text: string;
  full: number;
}

export interface RetryView {
  model: string;
  attempt: number;
  code: string;
  reason: string;
  delayMs: number;
}

/** Compiler/linter findings after a step, and the change against the step before (when the journal records them). */
export interface DiagnosticsDelta {
  errors: number;
  warnings: number;
  deltaErrors: number;
  deltaWarnings: number;
  /** New findings, one line each (`path:line message`), at most a few. */
  introduced: string[];
  introducedCount: number;
  resolvedCount: number;
  /** Why nothing could be collected, when the check failed. */
  unavailable: string | null;
  /** Files the step changed whose findings no one had seen before it (not open in the editor): not counted as new. */
  unchecked: string[];
  /** Lines of the checker's output that were neither findings nor noise: how many, and the first few (null: none). */
  notUnderstood: { count: number; lines: string[] } | null;
}

/**
 * How a step's findings line looks: a check that could not run is a warning (it says nothing of the
 * code), never the green check of "no errors"; otherwise errors now, or none.
 */
export function diagnosticsLook(d: DiagnosticsDelta): { icon: 'warning' | 'error' | 'check'; tone: 'tone-warning' | 'tone-error' | 'tone-success' | '' } {
  if (d.unavailable) return { icon: 'warning', tone: 'tone-warning' };
  // No error read, but not all of the output was understood: not the check of "no errors" either.
  return { icon: d.errors ? 'error' : d.notUnderstood ? 'warning' : 'check', tone: d.deltaErrors > 0 ? 'tone-error' : d.deltaErrors < 0 ? 'tone-success' : '' };
}

interface EntryBase {
  id: string;
  /** Sort key: the seq of the journal event that opened the entry. */
  order: number;
  step: number;
  at: number;
}

export interface StartEntry extends EntryBase {
  kind: 'start';
  task: Clipped;
  models: string[];
}

export interface ModelEntry extends EntryBase {
  kind: 'model';
  turn: number;
  model: string;
  text: Clipped;
  calls: string[];
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  retries: RetryView[];
  /** The step's calls all came back (or it made none): a checkpoint to rewind or fork to. */
  settled: boolean;
}

/**
 * `waiting`: for the user's approval; `queued`: a command waiting for another session's command in its
 * folder to end; `interrupted`: it ran or waited its turn when its session stopped (its process died,
 * it was paused or failed), until the resume settles it.
 */
export type ToolState = 'planned' | 'waiting' | 'queued' | 'running' | 'interrupted' | 'done' | 'error' | 'skipped';

export interface ToolEntry extends EntryBase {
  kind: 'tool';
  callId: string;
  name: string;
  input: Clipped;
  state: ToolState;
  result: Clipped | null;
  recovered: string | null;
  files: FileStat[];
  symbols: string[];
  diagnostics: DiagnosticsDelta | null;
}

export interface ApprovalEntry extends EntryBase {
  kind: 'approval';
  approvalId: string;
  approvalKind: string;
  tool: string | null;
  reasons: string[];
  requestedAt: number;
  decision: string | null;
  decidedAt: number | null;
  text: string | null;
  /**
   * Unanswered, and the session stopped (cancelled, failed): why, as the journal says it. Nobody is
   * asked then, and answering means retrying the session, which asks again. Null: asked now, or answered.
   */
  stopped: string | null;
  /** The tool call it asks about (its entry is `tool:<callId>`); null for a budget or a loop. */
  callId: string | null;
}

export type NoteTone = 'info' | 'warning' | 'error' | 'success';

/** Everything else: drift warnings, human messages, status changes, budgets, rewinds. */
export interface NoteEntry extends EntryBase {
  kind: 'note';
  tone: NoteTone;
  icon: string;
  text: string;
  /** A rewind of files: its journal seq (what Undo a Rewind is given) and whether it was undone since. */
  rewind?: { seq: number; id: string; undone: boolean };
}

export type TimelineEntry = StartEntry | ModelEntry | ToolEntry | ApprovalEntry | NoteEntry;

/** Limits for text on the wire; the webview shows a shorter preview and expands to this. */
export const CLIP_CHARS = 8000;

export function clip(s: string, n = CLIP_CHARS): Clipped {
  return { text: s.length > n ? s.slice(0, n) : s, full: s.length };
}

/** Sorts entries by their order (stable for equal orders). */
export function sortEntries(entries: Iterable<TimelineEntry>): TimelineEntry[] {
  return [...entries].sort((a, b) => a.order - b.order);
}
