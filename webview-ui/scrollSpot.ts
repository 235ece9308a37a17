/**
 * Where a view is scrolled, kept in the page's UI state so that it survives the view being hidden
 * (the page is rebuilt) and a visit to another session: the entry at the top of the view and how far
 * it sat from the top (entries above it may be loaded or not next time), the raw offset when no
 * entry is shown, and whether the view followed its end (a running session keeps following).
 */
export interface ScrollSpot {
  anchor?: string;
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
