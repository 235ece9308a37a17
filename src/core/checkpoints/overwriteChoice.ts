import type { RewindFilePlan } from './rewindPlan';

/** Whether a file about to change waits for the user's OK: edited outside the session on disk, or with unsaved changes in an editor. */
export const needsOk = (f: RewindFilePlan): boolean => f.conflict || f.unsaved === true;

/** The files a rewind or its undo asks about before writing: about to change, and edited outside the session since (on disk or in an editor). */
export const conflictsToAsk = (files: readonly RewindFilePlan[]): string[] => files.filter((f) => f.action !== 'none' && needsOk(f)).map((f) => f.path);

/**
 * Marks the files about to be written that have unsaved changes in an editor (paths as the plan
 * has them): written, the editor would go on showing the unsaved text over contents it no longer
 * has. They are asked about as conflicts are, and left alone unless the user ticks them. Files that
 * are not written whatever the answer (a link in the way, contents kept by hash only) stay unmarked.
 * Idempotent.
 */
export function markUnsaved(files: readonly RewindFilePlan[], unsaved: readonly string[]): void {
  const open = new Set(unsaved);
  for (const f of files) if (f.action !== 'none' && open.has(f.path) && f.restorable && f.link === undefined && f.keptFor === undefined) f.unsaved = true;
}

/**
 * The answer to "which of these edited files to overwrite anyway?": the paths ticked (none ticked:
 * every one is kept, the rest is written). Dismissed (undefined): the user backed out, and nothing
 * at all is to be written or recorded. Nothing asked: nothing to overwrite.
 */
export function overwritesChosen(asked: readonly string[], picked: readonly string[] | undefined): string[] | undefined {
  if (asked.length === 0) return [];
  return picked?.filter((p) => asked.includes(p));
}
