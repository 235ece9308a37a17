import { STATUS_ORDER, type SessionRow, type SessionStatusView, type StoreView, type WebviewCommand } from '../src/shared/protocol';

const GROUP_LABEL: Record<SessionStatusView, string> = {
  running: 'Running',
  waiting: 'Waiting for you',
  interrupted: 'Interrupted',
  paused: 'Paused',
  failed: 'Failed',
  completed: 'Completed',
};

const STATUS_ICON: Record<SessionStatusView, string> = {
  running: 'sync',
  waiting: 'bell',
  interrupted: 'debug-disconnect',
  paused: 'debug-pause',
  failed: 'error',
  completed: 'check',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

function tokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10000 ? 0 : 1)}k` : String(n);
}

export type Act = (command: WebviewCommand, sessionId?: string) => void;

const ACTIONS: Record<SessionStatusView, [WebviewCommand, string, string][]> = {
  running: [['pauseSession', 'debug-pause', 'Pause'], ['cancelSession', 'debug-stop', 'Cancel']],
  waiting: [['resumeSession', 'bell', 'Answer the waiting approval'], ['cancelSession', 'debug-stop', 'Cancel']],
  interrupted: [['resumeSession', 'debug-continue', 'Resume'], ['cancelSession', 'debug-stop', 'Cancel']],
  paused: [['resumeSession', 'debug-continue', 'Resume'], ['cancelSession', 'debug-stop', 'Cancel']],
  failed: [['resumeSession', 'debug-restart', 'Retry from the last checkpoint']],
  completed: [],
};

function row(s: SessionRow, act: Act): HTMLElement {
  const li = el('li', 'session');
  li.title = s.title;
  const icon = el('span', `codicon codicon-${STATUS_ICON[s.status]} status-${s.status}`);
  const title = el('span', 'title', s.title);
  const meta = el('span', 'meta', `${s.steps} step${s.steps === 1 ? "" : "s"} · ${tokens(s.tokens)} tokens · $${s.costUsd.toFixed(2)} · ${ago(s.updatedAt)}`);
  const actions = el('span', 'actions');
  for (const [command, codicon, label] of ACTIONS[s.status]) {
    const b = el('button', 'icon');
    b.title = label;
    b.setAttribute('aria-label', label);
    b.append(el('span', `codicon codicon-${codicon}`));
    b.addEventListener('click', (ev) => {
      ev.stopPropagation();
      act(command, s.id);
    });
    actions.append(b);
  }
  li.tabIndex = 0;
  li.addEventListener('click', () => act('showSession', s.id));
  li.addEventListener('keydown', (ev) => ev.key === 'Enter' && act('showSession', s.id));
  li.append(icon, title, actions, meta);
  if (s.pendingApproval) li.append(el('span', 'pending', `Waiting: ${s.pendingApproval.tool} — ${s.pendingApproval.summary}`));
  return li;
}

/** Renders the sessions grouped by status (textContent only: nothing from a session is parsed as HTML). */
export function renderSessions(
  root: HTMLElement,
  sessions: readonly SessionRow[],
  store: StoreView,
  collapsed: ReadonlySet<string>,
  onToggle: (group: string) => void,
  act: Act,
): void {
  root.replaceChildren();
  if (store.error) root.append(el('div', 'banner error', store.error));
  else if (store.readOnly) root.append(el('div', 'banner', 'Another window is using this workspace\'s sessions: shown read-only.'));
  if (sessions.length === 0 && !store.error) {
    root.append(el('p', 'empty', 'No sessions yet. Sessions you start appear here, and survive restarts.'));
    const start = el('button', 'primary', 'New Session');
    start.addEventListener('click', () => act('newSession'));
    root.append(start);
    return;
  }
  for (const status of STATUS_ORDER) {
    const group = sessions.filter((s) => s.status === status).sort((a, b) => b.updatedAt - a.updatedAt);
    if (group.length === 0) continue;
    const section = el('section', 'group');
    const open = !collapsed.has(status);
    const header = el('button', 'group-header');
    header.setAttribute('aria-expanded', String(open));
    header.append(el('span', `codicon codicon-chevron-${open ? 'down' : 'right'}`), el('span', '', `${GROUP_LABEL[status]} (${group.length})`));
    header.addEventListener('click', () => onToggle(status));
    section.append(header);
    if (open) {
      const list = el('ul', 'sessions');
      list.append(...group.map((s) => row(s, act)));
      section.append(list);
    }
    root.append(section);
  }
}
