import { shortCount } from '../src/shared/shortCount';

/** DOM helpers. Text goes in through textContent only: nothing from a session is parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) {
    e.textContent = text;
    // Text in any script (a task or a model's answer in Arabic or Hebrew) reads in its own direction, its punctuation where it belongs.
    e.dir = 'auto';
  }
  return e;
}

/**
 * A codicon through `<vscode-icon>` (the font comes from the page's codicon stylesheet). `label`:
 * what the icon says (a call's state, a file's kind of change), read out as an image of that name
 * and shown on hover; without it the icon is decoration, hidden from screen readers.
 */
export function icon(name: string, opts: { spin?: boolean; cls?: string; label?: string } = {}): HTMLElement {
  const i = document.createElement('vscode-icon');
  i.name = name;
  if (opts.spin) {
    i.dataset.spin = '';
    i.spin = !motionReduced();
  }
  if (opts.cls) i.className = opts.cls;
  if (opts.label) {
    i.setAttribute('role', 'img');
    i.setAttribute('aria-label', opts.label);
    i.title = opts.label;
  }
  return i;
}

/** VS Code was asked to reduce motion (workbench.reduceMotion, or the system's setting): it marks the page's body. */
const motionReduced = (): boolean => document.body.classList.contains('vscode-reduce-motion');

/**
 * Stops the spinning icons while VS Code reduces motion, and starts them again when it no longer
 * does (the setting changes while the page is open). The icons' animation is inside their shadow
 * root, out of the page's stylesheet's reach.
 */
export function followReducedMotion(): void {
  const apply = (): void => {
    for (const i of document.querySelectorAll<HTMLElementTagNameMap['vscode-icon']>('vscode-icon[data-spin]')) i.spin = !motionReduced();
  };
  new MutationObserver(apply).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/**
 * An icon-only action (`<vscode-icon action-icon>`), labelled for hover and for screen readers;
 * `spoken`: the name a screen reader says when the label alone is not enough (whose action it is).
 */
export function iconAction(name: string, label: string, onClick: () => void, spoken = label): HTMLElement {
  const i = document.createElement('vscode-icon');
  i.name = name;
  i.actionIcon = true;
  i.label = spoken;
  i.title = label;
  i.addEventListener('click', (ev) => {
    ev.stopPropagation();
    onClick();
  });
  return i;
}

/**
 * An action refused now: a dimmed icon button that still takes the focus, so that a keyboard or
 * screen-reader user finds it and hears why (its label ends with `why`; it is read out as
 * unavailable). Pressed, it runs nothing: it says why again, out loud and under its entry.
 */
export function refusedAction(name: string, label: string, why: string): HTMLElement {
  const i = iconAction(name, label, () => {
    announce(why);
    refusedNote(i, why);
  });
  i.classList.add('refused');
  i.setAttribute('aria-disabled', 'true');
  // Inside the icon's shadow root, out of the page's stylesheet's reach: unavailable, and not drawn as a link (VS Code's disabled actions keep the default cursor).
  void (i as { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
    const b = i.shadowRoot?.querySelector('button');
    b?.setAttribute('aria-disabled', 'true');
    b?.style.setProperty('cursor', 'default');
  });
  return i;
}

/** "Unavailable …" shown under the line of the action pressed (a tooltip shows on hover only); the status region reads it out. */
function refusedNote(action: HTMLElement, why: string): void {
  const line = action.closest('.entry-head, .files-head');
  if (!line) return;
  const note = line.nextElementSibling?.classList.contains('refused-why') ? line.nextElementSibling : el('div', 'hint refused-why');
  note.textContent = `${why.charAt(0).toUpperCase()}${why.slice(1)}`;
  note.setAttribute('aria-hidden', 'true');
  if (!note.isConnected) line.after(note);
}

/**
 * Reads `text` out through the page's status region (a screen reader speaks it once, politely). The
 * page itself is not a live region: each redraw of a row or a timeline was read out whole. The
 * same words again are read again: the region changes by an invisible space.
 */
export function announce(text: string): void {
  const region = document.getElementById('announce');
  if (!region || !text) return;
  region.textContent = region.textContent === text ? `${text}\u00a0` : text;
}

/** A `<vscode-button>` with a codicon and a label. */
export function button(label: string, codicon: string, onClick: () => void, opts: { secondary?: boolean; title?: string } = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  b.icon = codicon;
  if (opts.secondary) b.secondary = true;
  b.textContent = label;
  if (opts.title) b.title = opts.title;
  b.addEventListener('click', (ev) => {
    ev.stopPropagation();
    onClick();
  });
  return b;
}

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

/** A duration in words: 0.4s, 12s, 3m 4s, 2h 5m. */
export function duration(ms: number): string {
  if (ms < 9950) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
}

/** A count of tokens said short (`shortCount`: 9.5k, 950k, 2.4M), as `savepoint list` says it. */
export const tokens = shortCount;
