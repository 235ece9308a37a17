import type { FocusSpot, TrimFocus } from '../src/shared/trimFocus';

/**
 * Keeps the keyboard focus across a rebuild: an entry of a running session is rebuilt when its
 * call comes back, a header when the run stops, a text when it is expanded. Without this the
 * focus fell to the page and a keyboard user started again from the top.
 */

/** Which control has the focus inside a part of the page: its tag, its name, and its rank among the same. */
export interface FocusKey {
  tag: string;
  name: string;
  rank: number;
}

const nameOf = (e: Element): string => e.getAttribute('heading') ?? e.getAttribute('title') ?? e.className;

/** The control focused inside `within` (a widget is focused through its own inner control: its host is the page's active element). */
export function focusKey(within: Element): FocusKey | undefined {
  const a = document.activeElement;
  if (!a || a === within || !within.contains(a)) return undefined;
  const same = [...within.querySelectorAll(a.tagName)].filter((e) => nameOf(e) === nameOf(a));
  return { tag: a.tagName, name: nameOf(a), rank: Math.max(0, same.indexOf(a)) };
}

/**
 * Puts the focus on the same control of the rebuilt `within` (by name, else by rank among its tag),
 * once its widgets have rendered (a button slotted in a widget shows only then), unless the focus
 * went elsewhere meanwhile.
 */
export function refocus(within: Element, key: FocusKey | undefined): void {
  if (!key) return;
  const rendering = [within, ...within.querySelectorAll('*')].map((e) => (e as { updateComplete?: Promise<unknown> }).updateComplete).filter((p) => p !== undefined);
  void Promise.all(rendering).then(() => {
    if (!within.isConnected || (document.activeElement && document.activeElement !== document.body)) return;
    const all = [...within.querySelectorAll<HTMLElement>(key.tag)].filter(focusable);
    const named = all.filter((e) => nameOf(e) === key.name);
    const pick = named[Math.min(key.rank, named.length - 1)] ?? all[Math.min(key.rank, all.length - 1)];
    if (pick) focusWidget(pick);
  });
}

/** A control that takes the focus: not an icon that is no button (a refused action is one: it says why). */
function focusable(e: HTMLElement): boolean {
  return e.tagName !== 'VSCODE-ICON' || e.hasAttribute('action-icon');
}

/**
 * Focuses a control: a widget with no focus of its own (`<vscode-icon>`, `<vscode-collapsible>`)
 * through the control inside it, once it has rendered. `preventScroll`: the page stays where the reader has it.
 */
export function focusWidget(e: HTMLElement, options: FocusOptions = {}): void {
  const go = (): void => {
    if (e.tabIndex >= 0 || e.hasAttribute('tabindex')) e.focus(options);
    else e.shadowRoot?.querySelector<HTMLElement>('button, [tabindex="0"]')?.focus(options);
  };
  const pending = (e as { updateComplete?: Promise<unknown> }).updateComplete;
  if (pending) void pending.then(go);
  else go();
}

/** Where the keyboard focus is in the list: on a control of an entry, or on "Show earlier entries". */
export function focusSpot(list: HTMLElement, moreBox: HTMLElement): FocusSpot | undefined {
  const a = document.activeElement;
  if (!a || !list.contains(a)) return undefined;
  if (moreBox.contains(a)) return 'earlier';
  const id = a.closest<HTMLElement>('li.entry[data-id]')?.dataset.id;
  return id === undefined ? undefined : { entry: id };
}

/** Puts the focus where `focusAfterTrim` says, without moving the page (the reader may follow the end). */
export function placeFocus(list: HTMLElement, moreBox: HTMLElement, to: TrimFocus | undefined): void {
  if (!to || to === 'keep') return;
  const noScroll = { preventScroll: true };
  if (to === 'earlier') {
    const b = moreBox.querySelector<HTMLElement>('vscode-button');
    if (b) focusWidget(b, noScroll);
    return;
  }
  const li = list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(to.entry)}"]`);
  if (!li) return;
  const control = li.querySelector<HTMLElement>('vscode-button, vscode-collapsible, button, a[href], [tabindex="0"]');
  if (control) return focusWidget(control, noScroll);
  // An entry with no control of its own takes the focus itself.
  li.tabIndex = -1;
  li.focus(noScroll);
}
