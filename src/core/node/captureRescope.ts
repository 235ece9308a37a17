import path from 'node:path';
import type { CaptureFilter } from './captureFilter';
import { lstatOrNone } from './captureRead';
import type { CaptureIndex } from './captureIndex';
import { scanTree } from './captureScan';
import type { DirWatchers } from './captureWatcher';

/**
 * The directories whose `.gitignore` is among `paths`, outermost only: the rules of a directory
 * apply below it, so rescoping it covers the nested ones too.
 */
export function ruleDirs(paths: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const slash = p.lastIndexOf('/');
    if (p.slice(slash + 1) === '.gitignore') dirs.add(slash < 0 ? '' : p.slice(0, slash));
  }
  const covers = (outer: string, d: string) => outer !== d && (outer === '' || d.startsWith(`${outer}/`));
  return [...dirs].filter((d) => ![...dirs].some((outer) => covers(outer, d)));
}

/**
 * Brings what is tracked under the tracked directory `dirRel` in line with its rules, which the
 * caller has just invalidated. Directories now tracked are watched; files now excluded leave the
 * index and directories now excluded stop being watched, without being reported (they are still
 * there). Returns the files now tracked that the index lacks, for the caller to read into it as
 * baseline: they existed before, ignored, so no step created them.
 */
export async function rescope(
  rootAbs: string,
  dirRel: string,
  filter: CaptureFilter,
  index: CaptureIndex,
  watchers: DirWatchers | undefined,
): Promise<string[]> {
  // Directories already watched keep their watch: replacing it could miss an event meanwhile.
  const onDir = (rel: string) => void (watchers && !watchers.has(rel) && watchers.add(rel));
  const files = await scanTree(rootAbs, dirRel, filter, { stat: false, onDir });
  for (const dir of watchers?.under(dirRel) ?? []) {
    if (dir !== dirRel && (await filter.excludesPath(dir, true))) watchers?.removeTree(dir);
  }
  const tracked = dirRel === '' ? [...index.paths()] : index.under(dirRel);
  for (const rel of tracked) {
    // One missing but not excluded was deleted: its event (or the next sweep) reports it.
    if (!files.has(rel) && (await filter.excludesPath(rel, false))) index.delete(rel);
  }
  return [...files.keys()].filter((rel) => !index.get(rel));
}

/** The file clock's coarse granularity: a file born this close before a capture began counts as born in it. */
export const BIRTH_SLACK_MS = 10;

/**
 * Of `paths`, those born since `since` (ms): by their birth time, where the file system keeps one.
 * Where it does not (0), none: a file it cannot tell about is taken as there before, never as created.
 */
export async function bornSince(rootAbs: string, paths: readonly string[], since: number): Promise<Set<string>> {
  const births = await Promise.all(paths.map(async (rel) => (await lstatOrNone(path.join(rootAbs, rel)))?.birthtimeMs ?? 0));
  return new Set(paths.filter((_, i) => (births[i] ?? 0) > 0 && (births[i] ?? 0) >= since - BIRTH_SLACK_MS));
}
