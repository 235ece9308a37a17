import type { RewindFilePlan } from './rewindPlan';

/** The files a rewind or its undo asks about before writing: about to change, and edited outside the session since. */
export const conflictsToAsk = (files: readonly RewindFilePlan[]): string[] => files.filter((f) => f.action !== 'none' && f.conflict).map((f) => f.path);

/**
 * The answer to "which of these edited files to overwrite anyway?": the paths ticked (none ticked:
 * every one is kept, the rest is written). Dismissed (undefined): the user backed out, and nothing
 * at all is to be written or recorded. Nothing asked: nothing to overwrite.
 */
export function overwritesChosen(asked: readonly string[], picked: readonly string[] | undefined): string[] | undefined {
  if (asked.length === 0) return [];
  return picked?.filter((p) => asked.includes(p));
}
