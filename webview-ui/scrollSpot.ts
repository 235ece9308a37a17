/**
 * Where a view is scrolled, kept in the page's UI state so that it survives the view being hidden
 * (the page is rebuilt) and a visit to another session: the entry at the top of the view and how far
 * it sat from the top (entries above it may be loaded or not next time), the raw offset when no
 * entry is shown, and whether the view followed its end (a running session keeps following). The
 * anchor's step finds its page again when the page rebuilt does not hold it (a step the user went to).
 */
export interface ScrollSpot {
  anchor?: string;
  /** The anchor's step. */
  step?: number;
  offset?: number;
  top: number;
  end: boolean;
}

const scroller = (): Element => document.scrollingElement ?? document.documentElement;

/** How close to the end counts as "at the end" (a running session's new entries are followed there). */
export const END_SLACK_PX = 40;

export function atEnd(): boolean {
  const s = scroller();
  return s.scrollHeight - s.scrollTop - s.clientHeight < END_SLACK_PX;
}

/** `follows`: a timeline, whose end is followed (a short one that does not scroll counts as at its end); the list is not. */
export function scrollSpot(root: HTMLElement | null, follows: boolean): ScrollSpot {
  const s = scroller();
  const spot: ScrollSpot = { top: s.scrollTop, end: follows && atEnd() };
  const first = [...(root?.querySelectorAll<HTMLElement>('li[data-id]') ?? [])].find((li) => li.getBoundingClientRect().bottom > 0);
  if (first?.dataset.id) {
    spot.anchor = first.dataset.id;
    spot.offset = first.getBoundingClientRect().top;
    const step = Number(first.dataset.step ?? NaN);
    if (Number.isInteger(step)) spot.step = step;
  }
  return spot;
}

export function restoreSpot(root: HTMLElement | null, spot: ScrollSpot): void {
  const s = scroller();
  if (spot.end) {
    s.scrollTop = s.scrollHeight;
    return;
  }
  const anchor = spot.anchor ? root?.querySelector<HTMLElement>(`li[data-id="${CSS.escape(spot.anchor)}"]`) : null;
  if (anchor && spot.offset !== undefined) s.scrollTop += anchor.getBoundingClientRect().top - spot.offset;
  else s.scrollTop = spot.top;
}

/** Scrolls the page the least that shows `e` whole under the sticky `header` (or its top, when taller than the room). */
export function reveal(e: HTMLElement | null, header: HTMLElement): void {
  if (!e) return;
  const s = scroller();
  const r = e.getBoundingClientRect();
  const top = header.getBoundingClientRect().bottom;
  if (r.top < top) s.scrollTop -= top - r.top;
  else if (r.bottom > window.innerHeight) s.scrollTop += Math.min(r.bottom - window.innerHeight, r.top - top);
}

/**
 * Scrolls `li` to the top of the view under the sticky `header`, gives it the keyboard focus and
 * marks it for a moment (the page's `flash` animation, still under reduced motion: its colour fades
 * without moving). Returns where the page is scrolled now.
 */
export function bringToTop(li: HTMLElement, header: HTMLElement): number {
  const s = scroller();
  s.scrollTop += li.getBoundingClientRect().top - header.getBoundingClientRect().bottom - 4;
  li.tabIndex = -1;
  li.focus({ preventScroll: true });
  li.classList.remove('flash');
  void li.offsetWidth;
  li.classList.add('flash');
  li.addEventListener('animationend', () => li.classList.remove('flash'), { once: true });
  return s.scrollTop;
}
