import { STATUS_ORDER, type SessionRow, type SessionStatusView, type StoreView, type WebviewCommand } from '../src/shared/protocol';
import { LIST_ACTIONS } from '../src/shared/sessionActions';
import { ago, button, el, iconAction, tokens } from './dom';

export const GROUP_LABEL: Record<SessionStatusView, string> = {
  running: 'Running',
  waiting: 'Waiting for you',
  interrupted: 'Interrupted',
  paused: 'Paused',
  failed: 'Failed',
  completed: 'Completed',
};

export const STATUS_ICON: Record<SessionStatusView, string> = {
  running: 'sync',
  waiting: 'bell',
  interrupted: 'debug-disconnect',
  paused: 'debug-pause',
  failed: 'error',
  completed: 'check',
};

export type Act = (command: WebviewCommand, sessionId?: string, step?: number, path?: string, callId?: string) => void;

/**
 * One session's row: a list item holding a real button that opens the session (Enter and Space,
 * as any button), its actions as sibling buttons, and lines of text.
 */
function row(s: SessionRow, act: Act, open: (id: string) => void): HTMLElement {
  const li = el('li', 'session');
  li.title = s.title;
  li.dataset.id = s.id;
  const openButton = el('button', 'open');
  openButton.setAttribute('aria-label', `${s.title}, ${GROUP_LABEL[s.status]}: open its timeline`);
  openButton.append(el('span', `codicon codicon-${STATUS_ICON[s.status]} status-${s.status}`), el('span', 'title', s.title));
  openButton.addEventListener('click', (ev) => {
    ev.stopPropagation();
    open(s.id);
  });
  const actions = el('span', 'actions');
  for (const [command, codicon, label] of LIST_ACTIONS[s.status]) actions.append(iconAction(codicon, label, () => act(command, s.id)));
  const meta = el('span', 'meta', `${s.steps} step${s.steps === 1 ? '' : 's'} · ${tokens(s.tokens)} tokens · $${s.costUsd.toFixed(2)} · ${ago(s.updatedAt)}`);
  const extra = el('span', 'extra');
  if (s.forkOf) extra.append(forkLine(s.forkOf, open));
  if (s.pendingApproval) extra.append(el('span', 'pending', `Waiting: ${s.pendingApproval.tool} — ${s.pendingApproval.summary}`));
  // A click anywhere else on the row opens it too (the pointer's convenience; the keyboard has the button).
  li.addEventListener('click', () => open(s.id));
  li.append(openButton, actions, meta, extra);
  return li;
}

/** "Fork of ‹title› at step N": the parent opens on click while it exists. */
function forkLine(f: NonNullable<SessionRow['forkOf']>, open: (id: string) => void): HTMLElement {
  const at = f.step === null ? '' : ` at step ${f.step}`;
  const line = el('span', 'fork');
  line.append(el('span', 'codicon codicon-repo-forked'));
  if (f.title === null) {
    line.append(el('span', '', `Fork of a deleted session${at}`));
    return line;
  }
  const link = el('a', '', f.title);
  link.href = '#';
  link.title = `Open ${f.title}`;
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    open(f.id);
  });
  line.append(el('span', '', 'Fork of'), link);
  if (f.step !== null) line.append(el('span', '', `at step ${f.step}`));
  return line;
}

/** Renders the sessions grouped by status (textContent only: nothing from a session is parsed as HTML). */
export function renderSessions(
  root: HTMLElement,
  sessions: readonly SessionRow[],
  store: StoreView,
  collapsed: ReadonlySet<string>,
  onToggle: (group: string) => void,
  act: Act,
  openSession: (id: string) => void,
): void {
  root.replaceChildren();
  if (store.error) root.append(el('div', 'banner error', store.error));
  else if (store.readOnly) root.append(el('div', 'banner', 'Another window is using this workspace\'s sessions: shown read-only.'));
  if (sessions.length === 0 && !store.error) {
    root.append(el('p', 'empty', 'No sessions yet. Sessions you start appear here, and survive restarts.'));
    root.append(button('New Session', 'add', () => act('newSession')));
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
      list.append(...group.map((s) => row(s, act, openSession)));
      section.append(list);
    }
    root.append(section);
  }
}
