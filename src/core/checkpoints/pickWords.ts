import type { RewindRecord } from './rewindRecords';
import type { StepChanges } from './stepChanges';

/**
 * The words of a step or a rewind in a quick pick (Rewind, Fork, Undo a Rewind): one row each, so a
 * few file names and the rest counted (a checkout of another branch changes hundreds).
 */

/** File names a quick pick's row names; past that, the rest is counted. */
const PICK_NAMES = 3;

/** "a.ts, b.ts, c.ts +27 more": each path once, up to PICK_NAMES + 1 named (no "+1 more" in place of a name). */
export function pickNames(paths: readonly string[]): string {
  const unique = [...new Set(paths)];
  if (unique.length <= PICK_NAMES + 1) return unique.join(', ');
  return `${unique.slice(0, PICK_NAMES).join(', ')} +${(unique.length - PICK_NAMES).toLocaleString('en-US')} more`;
}

/** A step's row: the files it changed, or that it changed none. */
export const stepPickDescription = (s: StepChanges): string => (s.files.length ? pickNames(s.files.map((t) => t.path)) : 'no file changed');

/** A rewind's row: the files its undo gives back (those left, when an earlier undo gave back the rest). */
export const rewindPickDetail = (r: Pick<RewindRecord, 'files' | 'left'>): string => (r.left.length < r.files.length ? `${pickNames(r.left)} (the rest given back already)` : pickNames(r.files));
