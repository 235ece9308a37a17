import type { LiveTurn, SessionRow, TimelineSnapshot } from '../src/shared/protocol';
import { detailActions, historyLock } from '../src/shared/sessionActions';
import type { StreamBatch } from '../src/shared/textCoalescer';
import { sortEntries, type TimelineEntry } from '../src/shared/timeline';
import { ago, button, el, icon, iconAction, tokens } from './dom';
import { GROUP_LABEL, STATUS_ICON, type Act, forkLine } from './sessionList';
import { forksLine } from './treeLinks';
import type { TreeLink } from '../src/shared/sessionTree';
import { type FocusSpot, type TrimFocus, focusAfterTrim } from '../src/shared/trimFocus';
import { focusKey, focusWidget, refocus } from './focusKeep';
import { atEnd } from './scrollSpot';
import { type EntryContext, relock, renderEntry, waitingWords } from './timelineEntries';
import { usd } from '../src/shared/money';

const metaLine = (r: SessionRow): string => `${r.steps} step${r.steps === 1 ? '' : 's'} · ${tokens(r.tokens)} tokens · ${usd(r.costUsd)}${r.forkOf ? ' since the fork' : ''} · ${ago(r.updatedAt)}`;

/** How many entries a page brings (the host's page size), and how many a followed timeline keeps on the page. */
const PAGE = 200;

export interface DetailDeps {
  act: Act;
  back: () => void;
  /** Ids of the texts and sections the user expanded (UI state, kept across reloads). */
  expanded: Set<string>;
  saveUi: () => void;
  /** Asks the host for the entries before the one whose order is `before`. */
  earlier: (before: number) => void;
  /** Opens another session's timeline (a link of the tree: its parent, one of its forks). */
  open: (id: string) => void;
  /** The forks made from a session, from the sessions the page has. */
  forks: (id: string) => TreeLink[];
}

/**
 * One session's live timeline. Entries are keyed by id: a delta replaces or inserts only the
 * entries it carries. The streamed text of the turn under way sits in its own block at the end.
 * A long session comes a page at a time: the newest entries, then earlier ones when the user asks.
 */
export class SessionDetail {
  readonly sessionId: string;
  private readonly entries = new Map<string, TimelineEntry>();
  private live: LiveTurn = { text: '', notes: [] };
  private row: SessionRow | undefined;
  private readonly header = el('header', 'detail-header');
  private readonly list = el('ol', 'timeline');
  private readonly liveBox = el('li', 'entry entry-live');
  private readonly liveText = Object.assign(el('pre', 'body prose'), { dir: 'auto' });
  private readonly liveNotes = el('ul', 'live-notes');
  /** Entries before the first one shown, not loaded yet. */
  private earlier: number;
  private readonly moreBox = el('li', 'more-earlier');
  /** "Show earlier entries" had the keyboard focus when pressed. */
  private earlierFocused = false;
  /**
   * Entries kept on the page: a page's worth while the user follows the end (the oldest go back
   * behind "Show earlier entries" as new ones come), more once they asked for earlier ones.
   */
  private limit = PAGE;
  /** What the header's buttons were built for, and its line of counts (written again on every change). */
  private headerKey: string | undefined;
  private headerMeta: HTMLElement | undefined;
  /** The reader follows the end (see `onScroll`), and where the page was scrolled last. */
  private following = false;
  private lastTop = 0;

  constructor(
    private readonly root: HTMLElement,
    snapshot: TimelineSnapshot,
    row: SessionRow | undefined,
    private readonly deps: DetailDeps,
  ) {
    this.sessionId = snapshot.sessionId;
    this.row = row;
    for (const e of snapshot.entries) this.entries.set(e.id, e);
    this.live = { text: snapshot.live.text, notes: [...snapshot.live.notes] };
    this.earlier = snapshot.earlier;
    const liveHead = el('div', 'entry-head');
    liveHead.append(icon('loading', { spin: true }), el('span', 'entry-title', 'Model is writing…'));
    this.liveBox.append(liveHead, this.liveNotes, this.liveText);
    this.liveBox.setAttribute('aria-live', 'off');
    root.replaceChildren(this.header, this.list);
    this.renderHeader();
    this.list.replaceChildren(...sortEntries(this.entries.values()).map((e) => renderEntry(e, this.ctx())));
    this.renderMore();
    this.renderLive();
    this.renderGone();
    window.addEventListener('scroll', this.onScroll, { passive: true });
  }

  setRow(row: SessionRow | undefined): void {
    const lock = historyLock(row);
    const relocked = lock !== historyLock(this.row);
    this.row = row;
    // The run started or stopped: the steps' Rewind (and Undo) are offered again, or say why not.
    if (relocked) relock(this.list, lock);
    this.renderHeader();
    this.renderGone();
  }

  /** A deleted session: the host sends its timeline empty, and the list no longer has it. */
  private renderGone(): void {
    if (this.entries.size > 0 || this.row || this.list.querySelector('li.gone')) return;
    this.list.replaceChildren(el('li', 'empty gone', 'This session no longer exists.'));
  }

  /** Inserts or replaces entries (by id), in order. */
  update(entries: readonly TimelineEntry[]): void {
    const follow = this.atBottom();
    const ctx = this.ctx();
    const first = this.firstOrder();
    for (const e of entries) {
      // An entry among the earlier ones not loaded yet: it comes with its page, as it is then.
      if (this.earlier > 0 && !this.entries.has(e.id) && e.order < first) continue;
      // A newly journaled turn replaces the streamed text it was written from.
      if (e.kind === 'model' && !this.entries.has(e.id)) this.live = { text: '', notes: [] };
      this.entries.set(e.id, e);
      const node = renderEntry(e, ctx);
      const old = this.list.querySelector(`li[data-id="${CSS.escape(e.id)}"]`);
      if (old) {
        // A call that came back, a text expanded: the same control of the new entry keeps the focus.
        const focus = focusKey(old);
        old.replaceWith(node);
        refocus(node, focus);
      } else {
        const after = [...this.list.querySelectorAll<HTMLLIElement>('li.entry[data-order]')].find((li) => Number(li.dataset.order) > e.order);
        this.list.insertBefore(node, after ?? (this.liveBox.isConnected ? this.liveBox : null));
      }
    }
    this.renderLive();
    if (follow) this.limit = PAGE;
    this.trim(follow);
    if (follow) this.scrollToEnd();
  }

  /**
   * Drops the oldest entries past the limit (they come back with "Show earlier entries"). While the
   * user reads further up, it waits for a page more before it trims, and keeps what they read in place.
   */
  private trim(follow: boolean): void {
    const excess = this.entries.size - this.limit;
    if (excess <= 0 || (!follow && excess < PAGE)) return;
    const s = document.scrollingElement ?? document.documentElement;
    const height = s.scrollHeight;
    const order = sortEntries(this.entries.values()).map((e) => e.id);
    // A dropped entry takes the focus with it, and "Show earlier entries" is rebuilt: neither leaves it to the page.
    const spot = this.focusSpot();
    for (const id of order.slice(0, excess)) {
      this.entries.delete(id);
      this.list.querySelector(`li[data-id="${CSS.escape(id)}"]`)?.remove();
    }
    this.earlier += excess;
    this.renderMore();
    this.placeFocus(focusAfterTrim(order, excess, spot, this.moreBox.isConnected));
    if (!follow) s.scrollTop -= height - s.scrollHeight;
  }

  /** Where the keyboard focus is in the list: on a control of an entry, or on "Show earlier entries". */
  private focusSpot(): FocusSpot | undefined {
    const a = document.activeElement;
    if (!a || !this.list.contains(a)) return undefined;
    if (this.moreBox.contains(a)) return 'earlier';
    const id = a.closest<HTMLElement>('li.entry[data-id]')?.dataset.id;
    return id === undefined ? undefined : { entry: id };
  }

  /** Puts the focus where `focusAfterTrim` says, without moving the page (the reader may follow the end). */
  private placeFocus(to: TrimFocus | undefined): void {
    if (!to || to === 'keep') return;
    const noScroll = { preventScroll: true };
    if (to === 'earlier') {
      const b = this.moreBox.querySelector<HTMLElement>('vscode-button');
      if (b) focusWidget(b, noScroll);
      return;
    }
    const li = this.list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(to.entry)}"]`);
    if (!li) return;
    const control = li.querySelector<HTMLElement>('vscode-button, vscode-collapsible, button, a[href], [tabindex="0"]');
    if (control) return focusWidget(control, noScroll);
    // An entry with no control of its own takes the focus itself.
    li.tabIndex = -1;
    li.focus(noScroll);
  }

  /** A page of earlier entries, above the ones shown; what the user was looking at stays in place. */
  prepend(entries: readonly TimelineEntry[], earlier: number): void {
    const s = document.scrollingElement ?? document.documentElement;
    const height = s.scrollHeight;
    const top = s.scrollTop;
    const ctx = this.ctx();
    const fresh = sortEntries(entries.filter((e) => !this.entries.has(e.id)));
    for (const e of fresh) this.entries.set(e.id, e);
    const nodes = fresh.map((e) => renderEntry(e, ctx));
    if (this.moreBox.isConnected) this.moreBox.after(...nodes);
    else this.list.prepend(...nodes);
    this.earlier = earlier;
    this.limit = Math.max(this.limit, this.entries.size);
    this.renderMore();
    // The button pressed is replaced (or gone): the focus goes to the new one, else to the first entry it brought, not to the page.
    const lost = !document.activeElement || document.activeElement === document.body;
    const to = this.earlierFocused && lost ? (this.moreBox.isConnected ? 'earlier' : fresh[0] && { entry: fresh[0].id }) : undefined;
    this.placeFocus(to);
    this.earlierFocused = false;
    s.scrollTop = top + (s.scrollHeight - height);
    // Where the focus went is where the keyboard goes on: shown, not left above the page.
    if (to) this.reveal(to === 'earlier' ? this.moreBox : this.list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(to.entry)}"]`));
  }

  /** Scrolls the page the least that shows `e` whole under the sticky header (or its top, when taller than the room). */
  private reveal(e: HTMLElement | null): void {
    if (!e) return;
    const s = document.scrollingElement ?? document.documentElement;
    const r = e.getBoundingClientRect();
    const top = this.header.getBoundingClientRect().bottom;
    if (r.top < top) s.scrollTop -= top - r.top;
    else if (r.bottom > window.innerHeight) s.scrollTop += Math.min(r.bottom - window.innerHeight, r.top - top);
  }

  private firstOrder(): number {
    let first = Infinity;
    for (const e of this.entries.values()) first = Math.min(first, e.order);
    return first;
  }

  /** "Show earlier entries" at the top while some are not loaded. */
  private renderMore(): void {
    if (this.earlier <= 0) {
      this.moreBox.remove();
      return;
    }
    const label = `Show ${Math.min(this.earlier, PAGE).toLocaleString()} earlier entries (${this.earlier.toLocaleString()} before these)`;
    const b = button(label, 'fold-up', () => {
      this.earlierFocused = document.activeElement === b;
      b.setAttribute('disabled', '');
      this.deps.earlier(this.firstOrder());
    }, { secondary: true });
    this.moreBox.replaceChildren(b);
    if (this.list.firstElementChild !== this.moreBox) this.list.prepend(this.moreBox);
  }

  stream(batch: StreamBatch): void {
    const follow = this.atBottom();
    if (batch.reset) this.live.text = '';
    this.live.text += batch.text;
    this.live.notes.push(...batch.notes);
    this.renderLive();
    if (follow) this.scrollToEnd();
  }

  /**
   * Writes again what shows elapsed time (a pending approval's wait), in place: the entry and its
   * buttons stay the same elements, so the pointer, the focus and the reader keep their place.
   */
  tick(): void {
    const now = Date.now();
    for (const v of this.list.querySelectorAll<HTMLElement>('.verdict[data-since]')) v.textContent = waitingWords(Number(v.dataset.since), now);
  }

  private renderLive(): void {
    const show = this.live.text.length > 0 || this.live.notes.length > 0;
    if (!show) {
      this.liveBox.remove();
      return;
    }
    this.liveText.textContent = this.live.text;
    this.liveNotes.replaceChildren(...this.live.notes.slice(-5).map((n) => el('li', 'tone-warning', n)));
    if (!this.liveBox.isConnected || this.liveBox !== this.list.lastElementChild) this.list.append(this.liveBox);
  }

  /**
   * The header, rebuilt only when what its buttons do changes (the session, its status, its title, whether its run is alive):
   * a running session changes at every step, and a button replaced under the pointer or the focus
   * would lose the click or the keyboard. Otherwise only the counts are written again.
   */
  private renderHeader(): void {
    const r = this.row;
    const forks = r ? this.deps.forks(r.id) : [];
    const key = r ? JSON.stringify([r.id, r.status, r.title, !!r.live, !!r.queued, r.forkOf, forks]) : '';
    if (key === this.headerKey && this.headerMeta && r) {
      this.headerMeta.textContent = metaLine(r);
      return;
    }
    this.headerKey = key;
    this.headerMeta = undefined;
    const top = el('div', 'detail-top');
    top.append(iconAction('arrow-left', 'Back to the sessions', () => this.deps.back()));
    const title = el('h2', 'detail-title', r?.title ?? 'Session');
    title.title = r?.title ?? '';
    // Focused by the page (`focusTitle`), not reached with Tab.
    title.tabIndex = -1;
    top.append(title);
    if (r) top.append(iconAction('go-to-file', 'Open the timeline as a document', () => this.deps.act('showSession', r.id)));
    const parts: HTMLElement[] = [top];
    if (r) {
      const meta = el('div', 'detail-meta');
      const badge = document.createElement('vscode-badge');
      // Its command waits for another session's in the folder: not spinning, as one that runs (or is stuck) does.
      const queued = r.status === 'running' && !!r.queued;
      badge.textContent = queued ? 'Waiting its turn' : GROUP_LABEL[r.status];
      badge.className = `status-badge status-${r.status}`;
      this.headerMeta = el('span', '', metaLine(r));
      meta.append(icon(queued ? 'watch' : STATUS_ICON[r.status], { spin: r.status === 'running' && !queued, cls: `status-${r.status}` }), badge, this.headerMeta);
      const actions = el('div', 'detail-actions');
      for (const [command, codicon, label, primary] of detailActions(r)) actions.append(button(label, codicon, () => this.deps.act(command, r.id), { secondary: !primary }));
      // Its place in the tree of sessions: the one it was forked from, and its forks.
      const tree = el('div', 'detail-tree');
      if (r.forkOf) tree.append(forkLine(r.forkOf, this.deps.open));
      const down = forksLine(forks, this.deps.open);
      if (down) tree.append(down);
      parts.push(meta, ...(tree.childElementCount > 0 ? [tree] : []), actions);
    }
    // Rebuilt under the keyboard (the run stopped: Pause became Resume): the focus stays in the header.
    const focus = focusKey(this.header);
    this.header.replaceChildren(...parts);
    refocus(this.header, focus);
  }

  /** Gives the keyboard focus to the session's title (it was opened from the list): a screen reader says which session shows. */
  focusTitle(): void {
    this.header.querySelector<HTMLElement>('.detail-title')?.focus({ preventScroll: true });
  }

  private ctx(): EntryContext {
    const id = this.sessionId;
    const { act, expanded, saveUi } = this.deps;
    return {
      sessionId: id,
      expanded,
      now: Date.now(),
      toggle: (key) => {
        if (expanded.has(key)) expanded.delete(key);
        else expanded.add(key);
        saveUi();
        const entryId = [...this.entries.keys()].find((k) => key.startsWith(`${k}:`));
        const e = entryId ? this.entries.get(entryId) : undefined;
        if (e) this.update([e]);
      },
      remember: (key, open) => {
        if (open) expanded.add(key);
        else expanded.delete(key);
        saveUi();
      },
      diff: (step, path, callId) => act('openStepDiff', id, step, path, callId),
      showCall: (callId) => act('showCall', id, undefined, undefined, callId),
      symbols: (step, path) => act('showStepSymbols', id, step, path),
      run: (a) => act(a.command, id, a.arg),
      lock: historyLock(this.row),
      answer: () => act('resumeSession', id),
    };
  }

  private atBottom(): boolean {
    return this.following || atEnd();
  }

  private scrollToEnd(): void {
    const s = document.scrollingElement ?? document.documentElement;
    s.scrollTop = s.scrollHeight;
    this.following = true;
    this.lastTop = s.scrollTop;
  }

  /**
   * Whether the reader follows the end: they scrolled to it, and not up since. Entries grow after
   * they are drawn (a call's Input and Result rows come a moment later), past the end scrolled to:
   * taken for the reader's scroll, that stopped the following of a running session at its first steps.
   */
  private readonly onScroll = (): void => {
    if (!this.list.isConnected) return window.removeEventListener('scroll', this.onScroll);
    const top = (document.scrollingElement ?? document.documentElement).scrollTop;
    this.following = atEnd() || (this.following && top >= this.lastTop);
    this.lastTop = top;
  };

  dispose(): void {
    this.root.replaceChildren();
  }
}
