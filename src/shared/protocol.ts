import type { StreamBatch } from './textCoalescer';
import type { TimelineEntry } from './timeline';

/**
 * The one host <-> webview protocol (see ../shared/style.md "Host <-> webview").
 * The webview sends `ready` and gets a bootstrap snapshot; after that the host pushes sequenced
 * notifications, every one with the next `seq`. On a gap the webview sends `ready` again.
 * Plain data only.
 */
export type SessionStatusView = 'running' | 'waiting' | 'paused' | 'interrupted' | 'completed' | 'failed';

/** One session as the sidebar lists it. */
export interface SessionRow {
  id: string;
  title: string;
  status: SessionStatusView;
  createdAt: number;
  updatedAt: number;
  steps: number;
  tokens: number;
  costUsd: number;
  /** Its command waits for its turn (another session's command runs in the folder): that session, and its title while known. */
  queued?: { behind?: string; title?: string };
  /** What the session is waiting for, when it waits for the user. */
  pendingApproval: { tool: string; summary: string; requestedAt: number } | null;
  /** The session this one was forked from: its title while it exists (null once deleted), and the step. */
  forkOf: { id: string; title: string | null; step: number | null } | null;
  /** A run of it is alive in this window (a waiting session can be, or be paused at its question): its history cannot change then. */
  live?: boolean;
  /** Another window holds the store: this window shows the session but cannot change it. */
  readOnly?: boolean;
  /** In a workspace of several folders: the folder the session works in (its name, and "(not open)" when removed). */
  folder?: string;
}

export interface StoreView {
  /** Another window holds the store: sessions are shown but cannot be changed. */
  readOnly: boolean;
  /** The store could not be opened; the message says why and what to do. */
  error: string | null;
}

/** The open session's newest entries, and the model text streamed so far in the turn under way. */
export interface TimelineSnapshot {
  sessionId: string;
  entries: TimelineEntry[];
  /** How many entries come before `entries` (a long session is sent a page at a time: `timeline/earlier`). */
  earlier: number;
  live: LiveTurn;
}

/** The model turn under way, before it is journaled (void once the turn's entry arrives). */
export interface LiveTurn {
  text: string;
  /** Retries and fail-overs of the request under way, in words. */
  notes: string[];
}

export interface Bootstrap {
  seq: number;
  store: StoreView;
  sessions: SessionRow[];
  /** The session to show: the one the webview asked for in its `ready`, or the one the host reveals (Show on a notice). */
  timeline: TimelineSnapshot | null;
  /** The host reveals `timeline`'s session (Show on a notice): it opens at its newest entries, not where the user left it. */
  revealed?: boolean;
}

/** Host -> webview notifications, by method. */
export interface HostNotifications {
  'bootstrap': Bootstrap;
  'sessions/changed': { seq: number; sessions: SessionRow[]; store: StoreView };
  /** The answer to `session/open`: the timeline from scratch. */
  'timeline/snapshot': { seq: number; timeline: TimelineSnapshot };
  /** Entries of the open session to insert or replace (by id). */
  'timeline/changed': { seq: number; sessionId: string; entries: TimelineEntry[] };
  /** The answer to `timeline/earlier`: the page of entries before the ones the webview has, and how many are left before it. */
  'timeline/earlier': { seq: number; sessionId: string; entries: TimelineEntry[]; earlier: number };
  /** The answer to `timeline/step`: the page that starts at that step, and how many entries come before and after it. */
  'timeline/page': { seq: number; sessionId: string; step: number; entries: TimelineEntry[]; earlier: number; later: number };
  /** The answer to `timeline/later`: the page of entries after the ones the webview has, and how many are left after it. */
  'timeline/later': { seq: number; sessionId: string; entries: TimelineEntry[]; later: number };
  /** The host shows this session (Show on a notice): the webview opens it as if the user had. */
  'session/reveal': { seq: number; sessionId: string };
  /** Streamed model text, coalesced: `text` is appended to the live turn (after clearing it when `reset`). */
  'timeline/stream': { seq: number; sessionId: string } & StreamBatch;
}

export type HostMessage = { [M in keyof HostNotifications]: { method: M; params: HostNotifications[M] } }[keyof HostNotifications];

/** Webview -> host messages. The host validates them with `parseWebviewMessage` (protocolSchema.ts). */
export const WEBVIEW_COMMANDS = ['showLogs', 'showStoreInfo', 'newSession', 'resumeSession', 'pauseSession', 'cancelSession', 'showSession', 'answerApprovals', 'rewindSession', 'forkSession', 'openStepDiff', 'undoRewind', 'showStepSymbols', 'showCall'] as const;
export type WebviewCommand = (typeof WEBVIEW_COMMANDS)[number];

/** Commands that take a session (the others take none: newSession would read an id as its task). */
export const SESSION_COMMANDS: readonly WebviewCommand[] = ['resumeSession', 'pauseSession', 'cancelSession', 'showSession', 'rewindSession', 'forkSession', 'openStepDiff', 'undoRewind', 'showStepSymbols', 'showCall'];

/** Commands that take a step (and, for the diff, a file): rewind, fork and diff at that checkpoint. */
export const STEP_COMMANDS: readonly WebviewCommand[] = ['rewindSession', 'forkSession', 'openStepDiff', 'undoRewind', 'showStepSymbols'];

export interface CommandParams {
  command: WebviewCommand;
  sessionId?: string;
  step?: number;
  path?: string;
  /** With a path: the call whose change of the file to show (a step may change a file in two calls); with showCall, the call to show in full. */
  callId?: string;
}

export type WebviewMessage =
  | { method: 'ready'; params?: { sessionId?: string } }
  | { method: 'command/run'; params: CommandParams }
  | { method: 'session/open'; params: { sessionId: string } }
  /** The page of the open session's entries before the one whose order is `before`. */
  | { method: 'timeline/earlier'; params: { sessionId: string; before: number } }
  /** The page of the open session's entries that starts at step `step` ("Go to step"). */
  | { method: 'timeline/step'; params: { sessionId: string; step: number } }
  /** The page of the open session's entries after the one whose order is `after`. */
  | { method: 'timeline/later'; params: { sessionId: string; after: number } }
  | { method: 'session/close' };

export const STATUS_ORDER: readonly SessionStatusView[] = ['running', 'waiting', 'interrupted', 'paused', 'failed', 'completed'];
