import type { RewindFilePlan } from './rewindPlan';

// What a plan read, kept beside its files (not on them: a plan is posted to the webview as it is) for the apply.

/** The contents each planned file goes to, as the plan read them (see `plannedContents`). */
const planned = new WeakMap<RewindFilePlan, Uint8Array>();

/** What the plan read at each file it changes (null: nothing there), where it read the path itself (see `plannedDisk`). */
const seenOnDisk = new WeakMap<RewindFilePlan, Uint8Array | null>();

/** Set by the plan that made `f`: its target contents and the disk it found there, each where it read them. */
export function keepPlanReads(f: RewindFilePlan, reads: { contents?: Uint8Array | undefined; disk?: Uint8Array | null | undefined }): void {
  if (reads.contents) planned.set(f, reads.contents);
  if (reads.disk !== undefined) seenOnDisk.set(f, reads.disk);
}

/**
 * The target contents of a planned restore or create, when the plan that made it read them: the
 * apply then needs no second read of the store, and contents kept by hash only that the plan found on
 * disk under another path (a binary file a command moved) come back too. Content-addressed: what the
 * plan read is what `toHash` names, whatever the disk does meanwhile.
 */
export const plannedContents = (f: RewindFilePlan): Uint8Array | undefined => planned.get(f);

/**
 * The disk at a planned change as the plan that made it read it (null: no file), when it read the
 * path itself: not through or in place of a link, nor a folder. Its hash is `fromHash`. The apply
 * takes it as the contents its record keeps, without reading the file again before the record: a
 * file changed since is still left alone, by the check right before its rename.
 */
export const plannedDisk = (f: RewindFilePlan): Uint8Array | null | undefined => seenOnDisk.get(f);
