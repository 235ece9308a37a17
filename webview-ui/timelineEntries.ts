import { linkNote } from '../src/shared/linkNote';
import { type ApprovalEntry, type Clipped, type FileStat, type ModelEntry, type TimelineEntry, type ToolEntry, type ToolState, diagnosticsLook } from '../src/shared/timeline';
import { READ_ONLY_LOCK, type StepAction, actionTitle, stepActions, undoRewindAction } from '../src/shared/sessionActions';
import { duration, el, icon, iconAction, refusedAction, tokens } from './dom';
import { focusWidget } from './focusKeep';
import { usd } from '../src/shared/money';

/** What an entry's controls can do. `expanded` holds the ids of the texts shown in full. */
export interface EntryContext {
  sessionId: string;
  expanded: ReadonlySet<string>;
  /** Flips a "Show all" and re-renders the entry. */
  toggle(key: string): void;
  /** Records a widget's own open state (no re-render: the widget already shows it). */
  remember(key: string, open: boolean): void;
  /** The diff of a step, of one of its files, or of one call's change of that file. */
  diff(step: number, path?: string, callId?: string): void;
  /** A call's input and result in full, in an editor (the host cuts them at CLIP_CHARS). */
  showCall(callId: string): void;
  /** The symbols of `path` as the step left it (its stored outline). */
  symbols(step: number, path: string): void;
  /** Runs a step's Rewind or Fork, or a rewind's Undo. */
  run(a: StepAction): void;
  /** Why what changes the session's history is refused now (`historyLock`), or null. */
  lock: string | null;
  answer(): void;
  now: number;
}

const PREVIEW_CHARS = 600;

const TOOL_ICON: Record<ToolState, [string, string]> = {
  planned: ['circle-large-outline', 'Planned'],
  waiting: ['bell', 'Waiting for your approval'],
  queued: ['watch', "Waiting for another session's command in this folder"],
  running: ['loading', 'Running'],
  interrupted: ['debug-disconnect', 'Interrupted: the session stopped before it ended'],
  done: ['pass', 'Done'],
  error: ['error', 'Failed'],
  skipped: ['circle-slash', 'Skipped'],
};

const DECISION_WORD: Record<string, string> = { approve: 'Approved', edit: 'Approved with an edited input', reject: 'Rejected', respond: 'Answered instead' };

/**
 * A long text with a preview; "Show all" expands it, and says when the host cut it too: then
 * `openFull` (a call's input or result) opens all of it in an editor, or the session document has it.
 */
function clippedText(c: Clipped, key: string, ctx: EntryContext, cls = 'body', openFull?: () => void): HTMLElement {
  const wrap = el('div', 'clipped');
  const open = ctx.expanded.has(key);
  const long = c.text.length > PREVIEW_CHARS;
  wrap.append(el('pre', cls, open || !long ? c.text : `${c.text.slice(0, PREVIEW_CHARS)}…`));
  if (long || c.full > c.text.length) {
    const more = el('button', 'link more', open ? 'Show less' : `Show all (${c.full.toLocaleString()} chars)`);
    more.setAttribute('aria-expanded', String(open));
    more.addEventListener('click', () => ctx.toggle(key));
    wrap.append(more);
    if (open && c.full > c.text.length && !openFull) wrap.append(el('div', 'hint', `Cut at ${c.text.length.toLocaleString()} characters; the full text is in the session document.`));
  }
  if (openFull && c.full > c.text.length) {
    const full = el('button', 'link more', `Open all ${c.full.toLocaleString()} chars in an editor`);
    full.addEventListener('click', openFull);
    wrap.append(full);
  }
  return wrap;
}

function head(iconName: string, title: string, meta: string, opts: { spin?: boolean; tone?: string; label?: string } = {}): HTMLElement {
  const h = el('div', 'entry-head');
  const i = icon(iconName, { spin: !!opts.spin, cls: opts.tone ? `tone-${opts.tone}` : '', ...(opts.label ? { label: opts.label } : {}) });
  const m = el('span', 'entry-meta', meta);
  m.title = meta;
  h.append(i, el('span', 'entry-title', title), m);
  return h;
}

/** How to build an action again for another lock (`relock`), by its element. */
const rebuild = new WeakMap<HTMLElement, (lock: string | null) => HTMLElement>();

/** An action as an icon button, or, refused, as a dimmed one that says why and runs nothing. */
function actionIcon(make: (lock: string | null) => StepAction, ctx: EntryContext, lock = ctx.lock): HTMLElement {
  const a = make(lock);
  const e = a.refused === null ? iconAction(a.codicon, actionTitle(a), () => ctx.run(a)) : refusedAction(a.codicon, actionTitle(a), a.refused);
  e.dataset.action = a.command;
  rebuild.set(e, (next) => actionIcon(make, ctx, next));
  return e;
}

/**
 * Builds the actions again for the session's new lock (its run started or stopped), in place: the
 * rest of the timeline stays as it is. A focused action keeps the focus, offered or refused.
 */
export function relock(list: HTMLElement, lock: string | null): void {
  // What a refused action said when pressed is no longer so.
  for (const note of list.querySelectorAll('.refused-why')) note.remove();
  for (const old of list.querySelectorAll<HTMLElement>('[data-action]')) {
    const next = rebuild.get(old)?.(lock);
    if (!next) continue;
    const focused = old === document.activeElement;
    old.replaceWith(next);
    if (focused) focusWidget(next);
  }
}

/** Rewind and Fork at a step: on every settled step's turn, and on each call of it that changed files. */
function stepButtons(step: number, ctx: EntryContext): HTMLElement[] {
  return [0, 1].map((i) => actionIcon((lock) => stepActions(step, lock)[i]!, ctx));
}

function modelEntry(e: ModelEntry, ctx: EntryContext): HTMLElement[] {
  const h = head('sparkle', `Turn ${e.turn}`, `${tokens(e.tokensIn)} in, ${tokens(e.tokensOut)} out · ${usd(e.costUsd)} · ${e.model}`);
  // A step still under way (calls running, an approval open) is no checkpoint yet.
  if (e.settled) {
    const actions = el('span', 'entry-actions');
    actions.append(...stepButtons(e.step, ctx));
    h.append(actions);
  }
  const out: HTMLElement[] = [h];
  if (e.retries.length) {
    const r = el('div', 'retries tone-warning');
    r.append(icon('sync'), el('span', '', ` ${e.retries.length} retr${e.retries.length === 1 ? 'y' : 'ies'}: ${e.retries.map((x) => `${x.code} (${x.model}, waited ${duration(x.delayMs)})`).join('; ')}`));
    out.push(r);
  }
  if (e.text.full > 0) out.push(clippedText(e.text, `${e.id}:text`, ctx, 'body prose'));
  else if (e.calls.length) out.push(el('div', 'hint', `Calls ${e.calls.join(', ')}`));
  return out;
}

function inputSummary(t: ToolEntry): string {
  try {
    const v = JSON.parse(t.input.text) as Record<string, unknown>;
    const pick = v.command ?? v.path ?? v.pattern ?? v.query;
    return typeof pick === 'string' ? pick : '';
  } catch {
    return '';
  }
}

/** Why a file is kept by hash only, after its path: "is over the size limit". */
function hashOnlyWhy(f: FileStat): string {
  if (f.hashOnly === 'too large') return 'is over the size limit';
  const why = [f.unkept ? 'its earlier contents were not at hand' : '', f.afterUnkept ? "its new contents were not kept, being over the capture's text budget" : ''].filter(Boolean).join(', and ');
  return f.hashOnly === 'binary' ? `is a binary file whose earlier contents were not at hand` : `changed, but ${why}`;
}

function fileRow(f: FileStat, t: ToolEntry, ctx: EntryContext): HTMLElement {
  const li = el('li', 'file');
  li.append(icon(f.kind === 'created' ? 'diff-added' : f.kind === 'deleted' ? 'diff-removed' : f.kind === 'renamed' ? 'diff-renamed' : 'diff-modified', { cls: `kind-${f.kind}`, label: f.kind }), el('span', 'path', f.path));
  const stat = el('span', 'stat');
  const link = f.links ? linkNote(f.kind, f.links) : undefined;
  if (link !== undefined) {
    stat.append(el('span', 'hint', `${f.kind} · ${link}`));
    stat.title = `${f.path}: ${link} (the link itself, never what it leads to; a rewind makes, retargets or removes it)`;
  } else if (f.hashOnly) {
    const restorable = f.hashOnly === 'binary' && !f.unkept;
    stat.append(el('span', 'hint', `${f.kind} · ${f.hashOnly === 'not kept' ? 'contents not kept' : f.hashOnly}, ${restorable ? 'shown' : 'kept'} by hash`));
    stat.title = restorable ? `${f.path} is a binary file: shown by its hash and size only; a rewind restores it` : `${f.path} ${hashOnlyWhy(f)}: recorded by its hash and size only, so a rewind cannot restore that version`;
  } else if (f.added === null || f.removed === null) stat.append(el('span', 'hint', f.kind));
  else stat.append(el('span', 'added', `+${f.added}`), el('span', 'removed', `−${f.removed}`));
  li.append(stat);
  if (f.symbols !== undefined) li.append(iconAction('symbol-class', `Go to a symbol of ${f.path} as step ${t.step} left it (${f.symbols} symbol${f.symbols === 1 ? '' : 's'})`, () => ctx.symbols(t.step, f.path)));
  li.append(iconAction('diff', `Open the diff of ${f.path} at step ${t.step}`, () => ctx.diff(t.step, f.path, t.callId)));
  return li;
}

/** Files a step lists one by one: a command that changed hundreds (a checkout of another branch) gets one row for the rest. */
const FILE_ROWS = 30;

/** "… and 270 more files": opens the whole step's diff, where every file is. */
function moreFilesRow(t: ToolEntry, ctx: EntryContext): HTMLElement {
  const n = t.files.length - FILE_ROWS;
  const li = el('li', 'file file-more');
  li.append(icon('ellipsis'), el('span', 'path', `and ${n.toLocaleString('en-US')} more file${n === 1 ? '' : 's'}`), iconAction('diff-multiple', `Open the diff of step ${t.step}: all ${t.files.length.toLocaleString('en-US')} files`, () => ctx.diff(t.step)));
  return li;
}

function collapsible(heading: string, description: string, body: HTMLElement, key: string, ctx: EntryContext): HTMLElement {
  const c = document.createElement('vscode-collapsible');
  c.setAttribute('heading', heading);
  c.setAttribute('description', description);
  c.open = ctx.expanded.has(key);
  // The widget's header is a focusable div that toggles on Enter only and does not say what it is:
  // a button that Space toggles too, its state read out.
  const header = (): HTMLElement | null | undefined => c.shadowRoot?.querySelector<HTMLElement>('.collapsible-header');
  const said = (): void => header()?.setAttribute('aria-expanded', String(c.open));
  void c.updateComplete.then(() => {
    header()?.setAttribute('role', 'button');
    // Named from its heading and description without a space between ("Input21 chars"): say them apart.
    header()?.setAttribute('aria-label', `${heading}, ${description}`);
    said();
  });
  c.addEventListener('vsc-collapsible-toggle', (ev) => {
    ctx.remember(key, (ev as CustomEvent<{ open: boolean }>).detail.open);
    said();
  });
  c.addEventListener('keydown', (ev) => {
    if (ev.key !== ' ' || ev.composedPath()[0] !== header()) return;
    ev.preventDefault();
    c.open = !c.open;
    ctx.remember(key, c.open);
    said();
  });
  body.classList.add('collapsible-body');
  c.append(body);
  return c;
}

function toolEntry(t: ToolEntry, ctx: EntryContext): HTMLElement[] {
  const [iconName, label] = TOOL_ICON[t.state];
  const summary = inputSummary(t);
  const out: HTMLElement[] = [head(iconName, t.name, `${summary}${t.recovered ? ` · recovered: ${t.recovered}` : ''}`, { spin: t.state === 'running', tone: t.state === 'error' ? 'error' : t.state === 'waiting' || t.state === 'interrupted' ? 'warning' : t.state === 'done' ? 'success' : '', label })];
  if (t.files.length) {
    const box = el('div', 'files');
    const added = t.files.reduce((n, f) => n + (f.added ?? 0), 0);
    const removed = t.files.reduce((n, f) => n + (f.removed ?? 0), 0);
    const bar = el('div', 'files-head');
    bar.append(el('span', 'diffstat', `${t.files.length} file${t.files.length === 1 ? '' : 's'} changed`), el('span', 'added', ` +${added}`), el('span', 'removed', ` −${removed}`));
    const tools = el('span', 'entry-actions');
    tools.append(iconAction('diff-multiple', `Open the diff of step ${t.step}`, () => ctx.diff(t.step)), ...stepButtons(t.step, ctx));
    bar.append(tools);
    const list = el('ul', 'file-list');
    list.append(...t.files.slice(0, FILE_ROWS).map((f) => fileRow(f, t, ctx)));
    if (t.files.length > FILE_ROWS) list.append(moreFilesRow(t, ctx));
    box.append(bar, list);
    out.push(box);
  }
  if (t.symbols.length) {
    const s = el('ul', 'symbols');
    for (const line of t.symbols) {
      const li = el('li');
      li.append(icon('symbol-method'), el('span', '', ` ${line}`));
      s.append(li);
    }
    out.push(s);
  }
  if (t.diagnostics) out.push(diagnosticsLine(t));
  const openFull = () => ctx.showCall(t.callId);
  out.push(collapsible('Input', `${t.input.full.toLocaleString()} chars`, clippedText(t.input, `${t.id}:input`, ctx, 'body', openFull), `${t.id}:input-open`, ctx));
  if (t.result) out.push(collapsible(t.state === 'error' ? 'Error' : 'Result', `${t.result.full.toLocaleString()} chars`, clippedText(t.result, `${t.id}:result`, ctx, 'body', openFull), `${t.id}:result-open`, ctx));
  return out;
}

function diagnosticsLine(t: ToolEntry): HTMLElement {
  const d = t.diagnostics!;
  const look = diagnosticsLook(d);
  const box = el('div', `diagnostics ${look.tone}`);
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  const change = [d.introducedCount ? `introduced ${n(d.introducedCount, 'problem')}` : '', d.resolvedCount ? `fixed ${d.resolvedCount}` : ''].filter(Boolean).join(', ') || 'no new problems';
  const unchecked = d.unchecked.length ? ` · ${d.unchecked.length === 1 ? d.unchecked[0] : n(d.unchecked.length, 'file')} not checked before this step (its problems are not counted as new)` : '';
  const unread = d.notUnderstood ? ` · ${n(d.notUnderstood.count, 'line')} of the check output not understood (the problems may not all be listed)` : '';
  const text = d.unavailable ? `Problems not checked: ${d.unavailable}` : `${change[0]?.toUpperCase() ?? ''}${change.slice(1)} · now ${n(d.errors, 'error')}, ${n(d.warnings, 'warning')}${unchecked}${unread}`;
  box.append(icon(look.icon), el('span', '', ` ${text}`));
  if (d.introduced.length) {
    const ul = el('ul', 'introduced');
    ul.append(...d.introduced.map((l) => el('li', '', l)));
    box.append(ul);
  }
  if (d.notUnderstood?.lines.length && !d.unavailable) {
    const ul = el('ul', 'not-understood');
    ul.append(...d.notUnderstood.lines.map((l) => el('li', '', `Not understood: ${l}`)));
    box.append(ul);
  }
  return box;
}

function approvalEntry(a: ApprovalEntry, ctx: EntryContext): HTMLElement[] {
  const what = `${a.approvalKind === 'tool' ? 'Approval' : `Approval (${a.approvalKind.replace('_', ' ')})`}${a.tool ? `: ${a.tool}` : ''}`;
  if (a.decision === null && a.stopped !== null) {
    // Nobody is asked: an Answer would retry the stopped session, and the wait no longer counts.
    const why = a.stopped === 'stopped' ? '' : ` (${a.stopped})`;
    return [head('circle-slash', what, ''), el('div', 'verdict', `Not answered: the session stopped${why}. Retry asks it again.`), el('div', 'reasons', a.reasons.join('; '))];
  }
  if (a.decision === null) {
    const h = head('bell', what, '', { tone: 'warning' });
    // Read-only (another window holds the store, for as long as this window is open): that window asks it.
    if (ctx.lock !== READ_ONLY_LOCK) {
      const act = el('div', 'entry-actions');
      act.append(iconAction('bell-dot', 'Answer it now', () => ctx.answer()));
      h.append(act);
    }
    const wait = el('div', 'verdict tone-warning', waitingWords(a.requestedAt, ctx.now));
    // Written again every few seconds (SessionDetail.tick): not read out each time.
    wait.dataset.since = String(a.requestedAt);
    wait.setAttribute('aria-live', 'off');
    return [h, wait, el('div', 'reasons', a.reasons.join('; '))];
  }
  const waited = a.decidedAt === null ? '' : ` after ${duration(a.decidedAt - a.requestedAt)}`;
  const ok = a.decision === 'approve' || a.decision === 'edit';
  const out = [head(ok ? 'check' : 'close', what, '', { tone: ok ? 'success' : 'warning' }), el('div', 'verdict', `${DECISION_WORD[a.decision] ?? a.decision}${waited}`), el('div', 'reasons', a.reasons.join('; '))];
  if (a.text) out.push(el('div', 'decision-text', a.text));
  return out;
}

export const waitingWords = (requestedAt: number, now: number): string => `Waiting for you for ${duration(now - requestedAt)}`;

/** One timeline entry as an `<li>` keyed by the entry id. */
export function renderEntry(e: TimelineEntry, ctx: EntryContext): HTMLLIElement {
  const li = el('li', `entry entry-${e.kind}${e.kind === 'note' ? ` tone-${e.tone}` : ''}`);
  li.dataset.id = e.id;
  li.dataset.order = String(e.order);
  li.dataset.step = String(e.step);
  li.title = `step ${e.step} · ${new Date(e.at).toLocaleTimeString()}`;
  switch (e.kind) {
    case 'start':
      li.append(head('rocket', 'Task', e.models.join(', ')), clippedText(e.task, `${e.id}:task`, ctx, 'body prose'));
      break;
    case 'model':
      li.append(...modelEntry(e, ctx));
      break;
    case 'tool':
      li.append(...toolEntry(e, ctx));
      break;
    case 'approval':
      li.append(...approvalEntry(e, ctx));
      break;
    case 'note': {
      const h = head(e.icon, e.text, '', { tone: e.tone });
      const r = e.rewind;
      if (r && !r.undone) h.append(actionIcon((lock) => undoRewindAction(r.seq, lock), ctx));
      li.append(h);
      break;
    }
  }
  return li;
}
