import type { LiveTurn, SessionRow, TimelineSnapshot } from '../src/shared/protocol';
import { historyLock } from '../src/shared/sessionActions';
import type { StreamBatch } from '../src/shared/textCoalescer';
import { sortEntries, type TimelineEntry } from '../src/shared/timeline';
import { button, el, icon } from './dom';
import type { Act } from './sessionList';
import type { TreeLink } from '../src/shared/sessionTree';
import { focusAfterTrim } from '../src/shared/trimFocus';
import { focusKey, focusSpot, focusWidget, placeFocus, refocus } from './focusKeep';
import { atEnd, bringToTop, reveal } from './scrollSpot';
import { type EntryContext, relock, renderEntry, waitingWords } from './timelineEntries';
import { StepJump } from './stepJump';
import { DetailHeader } from './detailHeader';

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
  /** Asks the host for the entries after the one whose order is `after`. */
  later: (after: number) => void;
  /** Asks the host for the page that starts at step `step`. */
  page: (step: number) => void;
  /** Asks the host for the newest entries again (a fresh snapshot, whose end is followed). */
  newest: () => void;
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
  private readonly list = el('ol', 'timeline');
  private readonly liveBox = el('li', 'entry entry-live');
  private readonly liveText = Object.assign(el('pre', 'body prose'), { dir: 'auto' });
  private readonly liveNotes = el('ul', 'live-notes');
  /** Entries before the first one shown, not loaded yet. */
  private earlier: number;
  private readonly moreBox = el('li', 'more-earlier');
  /** "Show earlier entries" had the keyboard focus when pressed. */
  private earlierFocused = false;
  /** Entries after the last one shown, not loaded yet (the user went to a step): the end is not followed meanwhile. */
  private later = 0;
  private readonly laterBox = el('li', 'more-later');
  private laterFocused = false;
  private readonly jump = new StepJump(() => this.row?.steps, (step) => this.goTo(step));
  private readonly head: DetailHeader;
  /**
   * Entries kept on the page: a page's worth while the user follows the end (the oldest go back
   * behind "Show earlier entries" as new ones come), more once they asked for earlier ones.
   */
  private limit = PAGE;
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
    this.head = new DetailHeader(deps, this.jump);
    this.row = row;
    for (const e of snapshot.entries) this.entries.set(e.id, e);
    this.live = { text: snapshot.live.text, notes: [...snapshot.live.notes] };
    this.earlier = snapshot.earlier;
    const liveHead = el('div', 'entry-head');
    liveHead.append(icon('loading', { spin: true }), el('span', 'entry-title', 'Model is writing…'));
    this.liveBox.append(liveHead, this.liveNotes, this.liveText);
    this.liveBox.setAttribute('aria-live', 'off');
    root.replaceChildren(this.head.root, this.list);
    this.head.render(this.row);
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
    this.head.render(this.row);
    this.renderGone();
  }

  /** A deleted session: the host sends its timeline empty, and the list no longer has it. */
  private renderGone(): void {
    if (this.entries.size > 0 || this.row || this.list.querySelector('li.gone')) return;
    this.list.replaceChildren(el('li', 'empty gone', 'This session no longer exists.'));
  }

  /** Inserts or replaces entries (by id), in order. */
  update(entries: readonly TimelineEntry[]): void {
    const follow = this.later === 0 && this.atBottom();
    const ctx = this.ctx();
    const first = this.firstOrder();
    const last = this.lastOrder();
    for (const e of entries) {
      // An entry among the earlier ones not loaded yet: it comes with its page, as it is then.
      if (this.earlier > 0 && !this.entries.has(e.id) && e.order < first) continue;
      // One after the page the user went to: it comes with the later ones.
      if (this.later > 0 && !this.entries.has(e.id) && e.order > last) {
        this.later++;
        continue;
      }
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
    this.renderLater();
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
    const spot = focusSpot(this.list, this.moreBox);
    for (const id of order.slice(0, excess)) {
      this.entries.delete(id);
      this.list.querySelector(`li[data-id="${CSS.escape(id)}"]`)?.remove();
    }
    this.earlier += excess;
    this.renderMore();
    placeFocus(this.list, this.moreBox, focusAfterTrim(order, excess, spot, this.moreBox.isConnected));
    if (!follow) s.scrollTop -= height - s.scrollHeight;
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
    placeFocus(this.list, this.moreBox, to);
    this.earlierFocused = false;
    s.scrollTop = top + (s.scrollHeight - height);
    // Where the focus went is where the keyboard goes on: shown, not left above the page.
    if (to) reveal(to === 'earlier' ? this.moreBox : this.list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(to.entry)}"]`), this.head.root);
  }

  private firstOrder(): number {
    let first = Infinity;
    for (const e of this.entries.values()) first = Math.min(first, e.order);
    return first;
  }

  private lastOrder(): number {
    let last = -Infinity;
    for (const e of this.entries.values()) last = Math.max(last, e.order);
    return last;
  }

  /** "Go to step": a step on the page is shown at once; another comes with its page. */
  private goTo(step: number): void {
    if (!this.showStep(step)) this.deps.page(step);
  }

  /**
   * The page that starts at a step ("Go to step"), in place of the entries shown: the ones before
   * and after it come with "Show earlier entries" and "Show later entries". The end is no longer followed.
   * `bring`: the step is brought to the top and given the focus (false: the caller puts the view back where it was).
   */
  showPage(step: number, entries: readonly TimelineEntry[], earlier: number, later: number, bring = true): void {
    this.entries.clear();
    for (const e of entries) this.entries.set(e.id, e);
    const ctx = this.ctx();
    this.list.replaceChildren(...sortEntries(this.entries.values()).map((e) => renderEntry(e, ctx)));
    this.earlier = earlier;
    this.later = later;
    this.limit = Math.max(PAGE, this.entries.size);
    this.following = false;
    this.renderMore();
    this.renderLater();
    this.renderLive();
    if (bring) this.showStep(step, true);
  }

  /** A page of later entries, below the ones shown; what the user was looking at stays in place. */
  append(entries: readonly TimelineEntry[], later: number): void {
    const ctx = this.ctx();
    const fresh = sortEntries(entries.filter((e) => !this.entries.has(e.id)));
    for (const e of fresh) this.entries.set(e.id, e);
    const nodes = fresh.map((e) => renderEntry(e, ctx));
    if (this.laterBox.isConnected) this.laterBox.before(...nodes);
    else this.list.append(...nodes);
    this.later = later;
    this.limit = Math.max(this.limit, this.entries.size);
    this.renderLater();
    this.renderLive();
    const lost = !document.activeElement || document.activeElement === document.body;
    const to = this.laterFocused && lost ? (this.laterBox.isConnected ? this.laterBox.querySelector<HTMLElement>('vscode-button') : fresh[0] && this.list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(fresh[0].id)}"]`)) : undefined;
    this.laterFocused = false;
    if (to) {
      if (to.tagName === 'LI') to.tabIndex = -1;
      focusWidget(to, { preventScroll: true });
      reveal(to.closest('li'), this.head.root);
    }
  }

  /**
   * Brings the first entry of `step` (or the first after it) to the top of the view, under the
   * header, marks it for a moment and gives it the focus. False: no such entry is on the page.
   * `nearest`: the first entry after it will do (the page the host sent for it).
   */
  private showStep(step: number, nearest = false): boolean {
    const e = sortEntries(this.entries.values()).find((x) => (nearest ? x.step >= step : x.step === step));
    if (!e) return false;
    const li = this.list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(e.id)}"]`);
    if (!li) return false;
    this.following = false;
    this.lastTop = bringToTop(li, this.head.root);
    return true;
  }

  /** "Show later entries" at the end while some after a page the user went to are not loaded; "Show the newest" goes back to following the end. */
  private renderLater(): void {
    this.jump.box.hidden = !this.paged();
    if (this.later <= 0) {
      this.laterBox.remove();
      return;
    }
    const label = `Show ${Math.min(this.later, PAGE).toLocaleString()} later entries (${this.later.toLocaleString()} after these)`;
    const b = button(label, 'fold-down', () => {
      this.laterFocused = document.activeElement === b;
      b.setAttribute('disabled', '');
      this.deps.later(this.lastOrder());
    }, { secondary: true });
    this.laterBox.replaceChildren(b, button('Show the newest', 'arrow-down', () => this.deps.newest(), { secondary: true }));
    if (this.list.lastElementChild !== this.laterBox) this.list.append(this.laterBox);
  }

  /** The timeline is shown a page at a time (some entries are not loaded): "Go to step" is offered. */
  private paged(): boolean {
    return this.earlier > 0 || this.later > 0 || (this.row?.steps ?? 0) > PAGE / 2;
  }

  /** "Show earlier entries" at the top while some are not loaded. */
  private renderMore(): void {
    this.jump.box.hidden = !this.paged();
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
    // The turn under way is at the end, not after a page the user went to.
    const show = this.later === 0 && (this.live.text.length > 0 || this.live.notes.length > 0);
    if (!show) {
      this.liveBox.remove();
      return;
    }
    this.liveText.textContent = this.live.text;
    this.liveNotes.replaceChildren(...this.live.notes.slice(-5).map((n) => el('li', 'tone-warning', n)));
    if (!this.liveBox.isConnected || this.liveBox !== this.list.lastElementChild) this.list.append(this.liveBox);
  }

  /** Gives the keyboard focus to the session's title (it was opened from the list): a screen reader says which session shows. */
  focusTitle(): void {
    this.head.focusTitle();
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
