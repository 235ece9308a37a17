/**
 * Where the keyboard focus goes when a long timeline drops its oldest entries (the page keeps the
 * last N): the focus was on a control inside an entry, or on "Show earlier entries" (`'earlier'`).
 */
export type FocusSpot = { entry: string } | 'earlier';

/** `keep`: the focus is where it was; `earlier`: on "Show earlier entries"; `entry`: on that entry. */
export type TrimFocus = 'keep' | 'earlier' | { entry: string };

/**
 * The focus after the first `dropped` of `order` (entry ids, oldest first) leave the page. A dropped
 * entry takes the focus with it: it goes to "Show earlier entries" when the list shows it (it stands
 * where the entry was and brings it back), else to the nearest entry kept. That control is rebuilt
 * with its new count, so a focus on it goes back to it. Undefined: nothing to do (the focus was not
 * in the list, or nothing is left to take it).
 */
export function focusAfterTrim(order: readonly string[], dropped: number, focus: FocusSpot | undefined, earlierShown: boolean): TrimFocus | undefined {
  if (focus === undefined) return undefined;
  if (focus !== 'earlier' && !order.slice(0, dropped).includes(focus.entry)) return 'keep';
  if (earlierShown) return 'earlier';
  const nearest = order[dropped];
  return nearest === undefined ? undefined : { entry: nearest };
}
