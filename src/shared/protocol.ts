/**
 * The one host <-> webview protocol (see ../shared/style.md "Host <-> webview").
 * The webview sends `ready` and gets a bootstrap snapshot; after that the host pushes sequenced
 * notifications. On a gap in `seq` the webview sends `ready` again. Plain data only.
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
  /** What the session is waiting for, when it waits for the user. */
  pendingApproval: { tool: string; summary: string; requestedAt: number } | null;
}

export interface StoreView {
  /** Another window holds the store: sessions are shown but cannot be changed. */
  readOnly: boolean;
  /** The store could not be opened; the message says why and what to do. */
  error: string | null;
}

export interface Bootstrap {
  seq: number;
  store: StoreView;
  sessions: SessionRow[];
}

/** Host -> webview notifications, by method. */
export interface HostNotifications {
  'bootstrap': Bootstrap;
  'sessions/changed': { seq: number; sessions: SessionRow[]; store: StoreView };
}

export type HostMessage = { [M in keyof HostNotifications]: { method: M; params: HostNotifications[M] } }[keyof HostNotifications];

/** Webview -> host messages. The host validates them with `parseWebviewMessage` (protocolSchema.ts). */
export const WEBVIEW_COMMANDS = ['showLogs', 'showStoreInfo', 'newSession', 'resumeSession', 'pauseSession', 'cancelSession', 'showSession', 'answerApprovals'] as const;
export type WebviewCommand = (typeof WEBVIEW_COMMANDS)[number];

export type WebviewMessage =
  | { method: 'ready' }
  | { method: 'command/run'; params: { command: WebviewCommand; sessionId?: string } };

export const STATUS_ORDER: readonly SessionStatusView[] = ['running', 'waiting', 'interrupted', 'paused', 'failed', 'completed'];
