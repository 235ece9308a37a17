import type { SessionRow, SessionStatusView, StoreView, WebviewCommand } from '../src/shared/protocol';
import { GROUP_PAGE, sessionGroups } from '../src/shared/sessionGroups';
import { listActions } from '../src/shared/sessionActions';
import { ago, button, el, iconAction, tokens } from './dom';
import { usd } from '../src/shared/money';
import { sessionLink } from './treeLinks';

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

export interface ListDeps {
  act: Act;
  open: (id: string) => void;
  toggle: (group: string) => void;
}

const metaText = (s: SessionRow, now: number): string => `${s.folder ? `${s.folder} · ` : ''}${s.steps} step${s.steps === 1 ? '' : 's'} · ${tokens(s.tokens)} tokens · ${usd(s.costUsd)}${s.forkOf ? ' since the fork' : ''} · ${ago(s.updatedAt, now)}`;

/**
 * One session's row: a list item holding a real button that opens the session, its actions as
 * sibling buttons, and lines of text. Updated in place: a running session changes at every step,
 * and an element replaced under the focus or the pointer would lose the keyboard or the click.
 */
class RowView {
  readonly li = el('li', 'session');
  private readonly openButton = el('button', 'open');
  private readonly statusIcon = el('span', '');
  private readonly title = Object.assign(el('span', 'title'), { dir: 'auto' });
  private readonly actions = el('span', 'actions');
  private readonly meta = el('span', 'meta');
  private readonly extra = el('span', 'extra');
  private row: SessionRow | undefined;
  private actionsKey: string | undefined;
  private extraKey: string | undefined;

  constructor(private readonly deps: ListDeps) {
    this.openButton.append(this.statusIcon, this.title);
    this.openButton.addEventListener('click', (ev) => {
      ev.stopPropagation();
      if (this.row) deps.open(this.row.id);
    });
    // A click anywhere else on the row opens it too (the pointer's convenience; the keyboard has the button).
    this.li.addEventListener('click', () => this.row && deps.open(this.row.id));
    this.li.append(this.openButton, this.actions, this.meta, this.extra);
  }

  update(s: SessionRow, now: number): void {
    this.row = s;
    this.li.dataset.id = s.id;
    this.li.title = s.title;
    const queued = s.status === 'running' && s.queued;
    this.statusIcon.className = `codicon codicon-${queued ? 'watch' : STATUS_ICON[s.status]} status-${s.status}`;
    this.title.textContent = s.title;
    this.openButton.setAttribute('aria-label', `${s.title}, ${GROUP_LABEL[s.status]}${queued ? ', waiting its turn' : ''}: open its timeline`);
    this.meta.textContent = metaText(s, now);
    // The actions are named with the title (a screen reader says whose Pause it is): a rename rebuilds them.
    const actionsKey = JSON.stringify([s.id, s.status, !!s.live, !!s.readOnly, s.title]);
    if (actionsKey !== this.actionsKey) {
      this.actionsKey = actionsKey;
      this.actions.replaceChildren(...listActions(s).map(([command, codicon, label]) => iconAction(codicon, label, () => this.deps.act(command, s.id), `${label}: ${s.title}`)));
    }
    const extraKey = JSON.stringify([s.forkOf, s.pendingApproval?.tool, s.pendingApproval?.summary, queued]);
    if (extraKey !== this.extraKey) {
      this.extraKey = extraKey;
      const turn = queued ? [el('span', 'pending', `Waiting its turn: ${queued.title !== undefined ? `a command of "${queued.title}"` : "another session's command"} runs in this folder`)] : [];
      this.extra.replaceChildren(...(s.forkOf ? [forkLine(s.forkOf, this.deps.open)] : []), ...(s.pendingApproval ? [el('span', 'pending', `Waiting: ${s.pendingApproval.tool} — ${s.pendingApproval.summary}`)] : []), ...turn);
    }
  }

  tick(now: number): void {
    if (this.row) this.meta.textContent = metaText(this.row, now);
  }
}

/** "Fork of ‹title› at step N": the parent opens on click while it exists. */
export function forkLine(f: NonNullable<SessionRow['forkOf']>, open: (id: string) => void): HTMLElement {
  const at = f.step === null ? '' : ` at step ${f.step}`;
  const line = el('span', 'fork');
  line.append(el('span', 'codicon codicon-repo-forked'));
  if (f.title === null) {
    line.append(el('span', '', `Fork of a deleted session${at}`));
    return line;
  }
  line.append(el('span', '', 'Fork of'), sessionLink({ ...f, title: f.title }, open));
  if (f.step !== null) line.append(el('span', '', `at step ${f.step}`));
  return line;
}

interface GroupView {
  section: HTMLElement;
  header: HTMLButtonElement;
  chevron: HTMLElement;
  label: HTMLElement;
  list: HTMLUListElement;
  /** "Show N more of M": under a group cut at its limit. */
  more: HTMLButtonElement;
}

/**
 * The sessions grouped by status (textContent only: nothing from a session is parsed as HTML),
 * each group a page of its newest at a time (`sessionGroups`).
 * Rendered again in place on every change: rows, group headers and buttons stay the same
 * elements, moved only when their order changes; if a move still takes the focus away, it is put
 * back on the same button of the same row.
 */
export class SessionList {
  private readonly rows = new Map<string, RowView>();
  private readonly groups = new Map<SessionStatusView, GroupView>();
  private readonly banner = el('div', 'banner');
  private readonly empty = el('div', 'empty-list');
  /** The rows each group shows, raised by its "Show more" (GROUP_PAGE otherwise); kept while the page lives. */
  private readonly limits = new Map<string, number>();
  private last: Parameters<SessionList['render']> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: ListDeps,
  ) {
    this.empty.append(el('p', 'empty', 'No sessions yet. Sessions you start appear here, and survive restarts.'), button('New Session', 'add', () => deps.act('newSession')));
    root.replaceChildren();
  }

  render(sessions: readonly SessionRow[], store: StoreView, collapsed: ReadonlySet<string>): void {
    this.last = [sessions, store, collapsed];
    const focus = this.focusKey();
    const now = Date.now();
    const parts: HTMLElement[] = [];
    this.banner.className = store.error ? 'banner error' : 'banner';
    this.banner.textContent = store.error ?? (store.readOnly ? "Another window is using this workspace's sessions: shown read-only. To work with them here, close that window: this one takes them over when you come back to it." : '');
    if (store.error || store.readOnly) parts.push(this.banner);
    if (sessions.length === 0 && !store.error) parts.push(this.empty);
    const seen = new Set<string>();
    for (const { status, total, shown, hidden } of sessionGroups(sessions, collapsed, this.limits)) {
      const g = this.group(status);
      const open = !collapsed.has(status);
      g.header.setAttribute('aria-expanded', String(open));
      g.chevron.className = `codicon codicon-chevron-${open ? 'down' : 'right'}`;
      g.label.textContent = `${GROUP_LABEL[status]} (${total})`;
      const items = shown.map((s) => {
        seen.add(s.id);
        const r = this.rows.get(s.id) ?? new RowView(this.deps);
        this.rows.set(s.id, r);
        r.update(s, now);
        return r.li;
      });
      g.more.textContent = `Show ${Math.min(GROUP_PAGE, hidden)} more of ${hidden}`;
      place(g.list, items);
      place(g.section, open ? [g.header, g.list, ...(hidden > 0 ? [g.more] : [])] : [g.header]);
      parts.push(g.section);
    }
    for (const id of [...this.rows.keys()]) if (!seen.has(id)) this.rows.delete(id);
    place(this.root, parts);
    this.restoreFocus(focus);
  }

  /** Writes the elapsed times ("updated 3m ago") again, in place. */
  tick(now = Date.now()): void {
    for (const r of this.rows.values()) r.tick(now);
  }

  private group(status: SessionStatusView): GroupView {
    const known = this.groups.get(status);
    if (known) return known;
    const header = el('button', 'group-header');
    const chevron = el('span', '');
    const label = el('span', '');
    header.append(chevron, label);
    header.addEventListener('click', () => this.deps.toggle(status));
    const more = el('button', 'link more show-more');
    const list = el('ul', 'sessions');
    more.addEventListener('click', () => {
      const shown = list.children.length;
      this.limits.set(status, (this.limits.get(status) ?? GROUP_PAGE) + GROUP_PAGE);
      if (this.last) this.render(...this.last);
      // The last "Show more" is gone: the focus goes to the first row it showed, where the reader goes on, not back up the list.
      if (!more.isConnected) (list.children[shown] ?? list.lastElementChild)?.querySelector<HTMLElement>('button.open')?.focus();
    });
    const g = { section: el('section', 'group'), header, chevron, label, list, more };
    g.section.dataset.group = status;
    this.groups.set(status, g);
    return g;
  }

  /**
   * Puts the keyboard focus on a session's row (the user came back from its timeline); on its
   * group's header when the row is not shown (the group folded, or the session cut by its page).
   */
  focusSession(id: string): void {
    const li = this.rows.get(id)?.li;
    if (li?.isConnected) return li.querySelector<HTMLElement>('button.open')?.focus();
    const status = this.last?.[0].find((s) => s.id === id)?.status;
    if (status) this.groups.get(status)?.header.focus();
  }

  /** Where the focus is in the list: the row (or group), and which of its buttons by its label. */
  private focusKey(): { id?: string; group?: string; label: string | null } | undefined {
    const a = document.activeElement;
    if (!(a instanceof HTMLElement) || !this.root.contains(a)) return undefined;
    const li = a.closest<HTMLElement>('li.session');
    if (li) return { id: li.dataset.id ?? '', label: a.classList.contains('open') ? null : a.getAttribute('title') };
    const section = a.closest<HTMLElement>('section.group');
    if (section) return { group: section.dataset.group ?? '', label: null };
    return undefined;
  }

  /** Puts a focus the update took away back on the same button of the same row (its open button when that one is gone). */
  private restoreFocus(key: ReturnType<SessionList['focusKey']>): void {
    if (!key || (document.activeElement instanceof HTMLElement && this.root.contains(document.activeElement))) return;
    const li = key.id !== undefined ? this.rows.get(key.id)?.li : undefined;
    if (li?.isConnected) {
      const same = key.label === null ? undefined : [...li.querySelectorAll<HTMLElement>('[title]')].find((e) => e !== li && e.getAttribute('title') === key.label);
      (same ?? li.querySelector<HTMLElement>('button.open'))?.focus();
      return;
    }
    if (key.group) this.groups.get(key.group as SessionStatusView)?.header.focus();
  }
}

/** Makes `parent`'s children exactly `children`, moving only those out of place (a moved element loses the focus). */
function place(parent: HTMLElement, children: readonly HTMLElement[]): void {
  children.forEach((c, i) => {
    if (parent.children[i] !== c) parent.insertBefore(c, parent.children[i] ?? null);
  });
  while (parent.children.length > children.length) parent.lastElementChild?.remove();
}
