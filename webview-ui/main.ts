import type { HostMessage, SessionRow, StoreView, TimelineSnapshot, WebviewMessage } from '../src/shared/protocol';
import { statusAnnouncement } from '../src/shared/announce';
import { SeqTracker } from '../src/shared/sequence';
import { forkLinks } from '../src/shared/sessionTree';
import './elements';
import { type ScrollSpot, restoreSpot, scrollSpot } from './scrollSpot';
import { announce, followReducedMotion } from './dom';
import { SessionDetail } from './sessionDetail';
import { type Act, SessionList } from './sessionList';
import { vscodeApi } from './vscodeApi';

/**
 * UI state only (style.md): folded groups, the open session, expanded texts, and where each view
 * was scrolled. Sessions and timelines are always refetched from the host: after a reload the page
 * asks for the open session in its `ready`.
 */
interface UiState {
  collapsed: string[];
  open?: string | null;
  expanded?: string[];
  /** Scroll positions by view: '' the list, else a session id (the most recent few). */
  scroll?: Record<string, ScrollSpot>;
}

const MAX_EXPANDED = 200;
/** Sessions whose scroll position is kept (the list's too). */
const MAX_SPOTS = 30;
const api = vscodeApi<UiState>();
const saved = api.getState();
let ui: UiState = { collapsed: saved?.collapsed ?? [], open: saved?.open ?? null, expanded: saved?.expanded ?? [], scroll: saved?.scroll ?? {} };
const expanded = new Set(ui.expanded);
const seq = new SeqTracker();
let sessions: SessionRow[] = [];
let store: StoreView = { readOnly: false, error: null };
let detail: SessionDetail | undefined;
/** The session list while the page shows it (updated in place on every change). */
let list: SessionList | undefined;
/** The view whose scroll position the page shows now ('' the list, a session id): null while one loads, so that no position is recorded then. */
let shownView: string | null = null;
/**
 * The session the user opened here, whose title takes the keyboard focus once its timeline shows:
 * the list it was opened from is gone, and the focus with it. Not a session the host reveals.
 */
let focusOnShow: string | undefined;
/**
 * A timeline shown again (the view hidden and shown, a visit to another session) whose place was
 * on a page it does not bring now (a step the user went to, earlier entries they loaded): that
 * page is asked for, and the view goes back to the place once it comes.
 */
let returning: { sessionId: string; spot: ScrollSpot } | undefined;

function send(message: WebviewMessage): void {
  api.postMessage(message);
}

function saveUi(): void {
  ui = { ...ui, expanded: [...expanded].slice(-MAX_EXPANDED) };
  api.setState(ui);
}

/** Records where the view shown is scrolled (the newest last; the oldest dropped past MAX_SPOTS). */
function saveScroll(): void {
  if (shownView === null) return;
  const spots = { ...ui.scroll };
  delete spots[shownView];
  spots[shownView] = scrollSpot(root(), shownView !== '');
  const keys = Object.keys(spots);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_SPOTS))) delete spots[k];
  ui = { ...ui, scroll: spots };
  api.setState(ui);
}

/** Puts the view back where it was scrolled (a session seen for the first time: at its newest entries), now and once its widgets have rendered. */
function showAt(view: string, fallback: ScrollSpot): void {
  shownView = null;
  const spot = ui.scroll?.[view] ?? fallback;
  restoreSpot(root(), spot);
  requestAnimationFrame(() => {
    if ((view === '' ? !detail : detail?.sessionId === view) && shownView === null) {
      restoreSpot(root(), spot);
      shownView = view;
    }
  });
}

let scrollPending = false;
window.addEventListener('scroll', () => {
  if (scrollPending || shownView === null) return;
  scrollPending = true;
  requestAnimationFrame(() => {
    scrollPending = false;
    saveScroll();
  });
});

const act: Act = (command, sessionId, step, path, callId) =>
  send({ method: 'command/run', params: { command, ...(sessionId ? { sessionId } : {}), ...(step !== undefined ? { step } : {}), ...(path !== undefined ? { path } : {}), ...(callId !== undefined ? { callId } : {}) } });

function root(): HTMLElement | null {
  return document.getElementById('root');
}

function toggleGroup(group: string): void {
  const collapsed = new Set(ui.collapsed);
  if (collapsed.has(group)) collapsed.delete(group);
  else collapsed.add(group);
  ui = { ...ui, collapsed: [...collapsed] };
  api.setState(ui);
  list?.render(sessions, store, collapsed);
}

function showList(): void {
  const r = root();
  if (!r) return;
  if (shownView === '') saveScroll();
  detail = undefined;
  document.body.classList.remove('detail');
  list ??= new SessionList(r, { act, open: (id) => openSession(id, true), toggle: toggleGroup });
  list.render(sessions, store, new Set(ui.collapsed));
  showAt('', { top: 0, end: false });
}

/** `byUser`: opened from this page (a row, a fork's link), not revealed by the host. */
function openSession(id: string, byUser = false): void {
  focusOnShow = byUser ? id : undefined;
  saveScroll();
  shownView = null;
  ui = { ...ui, open: id };
  api.setState(ui);
  list = undefined;
  const r = root();
  if (r) r.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'Loading the timeline…' }));
  send({ method: 'session/open', params: { sessionId: id } });
}

/** `byUser`: Back asked for here; the keyboard focus then goes to the row of the session left. */
function back(byUser = false): void {
  const left = ui.open;
  saveScroll();
  shownView = null;
  ui = { ...ui, open: null };
  api.setState(ui);
  send({ method: 'session/close' });
  showList();
  if (byUser && left) list?.focusSession(left);
}

function showDetail(t: TimelineSnapshot): void {
  const r = root();
  if (!r || ui.open !== t.sessionId) return;
  document.body.classList.add('detail');
  list = undefined;
  if (shownView === t.sessionId) saveScroll();
  const page = (step: number) => {
    returning = undefined;
    send({ method: 'timeline/step', params: { sessionId: t.sessionId, step } });
  };
  detail = new SessionDetail(r, t, sessions.find((s) => s.id === t.sessionId), { act, back: () => back(true), expanded, saveUi, earlier: (before) => send({ method: 'timeline/earlier', params: { sessionId: t.sessionId, before } }), later: (after) => send({ method: 'timeline/later', params: { sessionId: t.sessionId, after } }), page, newest: () => newest(t.sessionId), open: (id) => openSession(id, true), forks: (id) => forkLinks(sessions, id) });
  const spot = ui.scroll?.[t.sessionId];
  if (spot && !spot.end && spot.anchor !== undefined && spot.step !== undefined && !t.entries.some((e) => e.id === spot.anchor)) {
    // Until the page comes no place is recorded: the one kept is where the user was.
    shownView = null;
    page(spot.step);
    returning = { sessionId: t.sessionId, spot };
  } else {
    returning = undefined;
    showAt(t.sessionId, { top: 0, end: true });
  }
  if (focusOnShow === t.sessionId) detail.focusTitle();
  focusOnShow = undefined;
}

/** The session opens at its newest entries next time, not where the user left it. */
function forgetPlace(sessionId: string): void {
  if (returning?.sessionId === sessionId) returning = undefined;
  if (!ui.scroll?.[sessionId]) return;
  const spots = { ...ui.scroll };
  delete spots[sessionId];
  ui = { ...ui, scroll: spots };
  api.setState(ui);
}

/** "Show the newest": the end of the session, followed; the place on the page left is forgotten. */
function newest(sessionId: string): void {
  shownView = null;
  forgetPlace(sessionId);
  send({ method: 'session/open', params: { sessionId } });
}

function render(timeline: TimelineSnapshot | null): void {
  if (ui.open && timeline?.sessionId === ui.open) showDetail(timeline);
  else {
    if (ui.open) back();
    else showList();
  }
}

/** True when the message is the next in sequence; on a gap, asks for a fresh snapshot. */
function inSequence(next: number): boolean {
  const verdict = seq.accept(next);
  if (verdict === 'resync') send({ method: 'ready', params: ui.open ? { sessionId: ui.open } : {} });
  return verdict === 'apply';
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const msg = event.data;
  if (msg.method === 'bootstrap') {
    seq.bootstrap(msg.params.seq);
    sessions = msg.params.sessions;
    store = msg.params.store;
    // A timeline nobody asked for is a session the host reveals (Show on a notice): at its newest entries, where the notice's news is.
    if (msg.params.timeline && (msg.params.revealed || msg.params.timeline.sessionId !== ui.open)) {
      forgetPlace(msg.params.timeline.sessionId);
      ui = { ...ui, open: msg.params.timeline.sessionId };
      api.setState(ui);
    }
    render(msg.params.timeline);
    return;
  }
  if (!inSequence(msg.params.seq)) return;
  switch (msg.method) {
    case 'sessions/changed':
      announce(statusAnnouncement(sessions, msg.params.sessions));
      sessions = msg.params.sessions;
      store = msg.params.store;
      if (detail) detail.setRow(sessions.find((s) => s.id === detail?.sessionId));
      else if (list) list.render(sessions, store, new Set(ui.collapsed));
      else if (!ui.open) showList();
      break;
    case 'timeline/snapshot':
      showDetail(msg.params.timeline);
      break;
    case 'timeline/changed':
      if (detail?.sessionId === msg.params.sessionId) detail.update(msg.params.entries);
      break;
    case 'timeline/earlier':
      if (detail?.sessionId === msg.params.sessionId) detail.prepend(msg.params.entries, msg.params.earlier);
      break;
    case 'timeline/page': {
      if (detail?.sessionId !== msg.params.sessionId) break;
      const spot = returning?.sessionId === msg.params.sessionId ? returning.spot : undefined;
      returning = undefined;
      detail.showPage(msg.params.step, msg.params.entries, msg.params.earlier, msg.params.later, spot === undefined);
      if (spot) showAt(msg.params.sessionId, spot);
      break;
    }
    case 'timeline/later':
      if (detail?.sessionId === msg.params.sessionId) detail.append(msg.params.entries, msg.params.later);
      break;
    case 'session/reveal':
      // The place of the view shown now is kept (unless it is the session revealed), then no more is recorded until the timeline shows.
      saveScroll();
      shownView = null;
      forgetPlace(msg.params.sessionId);
      openSession(msg.params.sessionId);
      break;
    case 'timeline/stream':
      if (detail?.sessionId === msg.params.sessionId) detail.stream(msg.params);
      break;
  }
});

// Elapsed times (an approval's wait, "updated 3m ago") move on without any message.
setInterval(() => {
  detail?.tick();
  list?.tick();
}, 15000);
document.getElementById('logs')?.addEventListener('click', () => act('showLogs'));
followReducedMotion();
// Escape closes the timeline the user opened from the list, as Back does.
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape' || ev.defaultPrevented || !ui.open) return;
  ev.preventDefault();
  back(true);
});
send({ method: 'ready', params: ui.open ? { sessionId: ui.open } : {} });
