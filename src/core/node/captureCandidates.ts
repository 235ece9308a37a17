import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { eachLimited } from '../util/eachLimited';
import { errCode } from '../util/errCode';
import type { CaptureFilter } from './captureFilter';
import type { Candidates, CaptureIndex } from './captureIndex';
import { lstatOrNone, realWay } from './captureRead';
import { scanTree, underAny } from './captureScan';
import type { DirWatchers } from './captureWatcher';

/** What a settle looks at to choose the paths it compares with the index. */
export interface CandidateContext {
  root: string;
  filter: CaptureFilter;
  index: CaptureIndex;
  concurrency: number;
  /** Started on every tracked directory found; undefined when the capture does not watch. */
  watchers: DirWatchers | undefined;
  /** Told each path found whose name is not valid UTF-8 (which no path string reaches). */
  onUnnamed?: (rel: string) => void;
}

/** Every tracked path, by a stat of the whole tree (no watcher, or it overflowed); what is tracked under an unreadable folder is left out. */
export async function sweepCandidates(ctx: CandidateContext): Promise<Candidates> {
  const { root, filter, index, watchers } = ctx;
  const onDir = watchers ? (rel: string) => watchers.add(rel) : undefined;
  const denied: string[] = [];
  const found: Candidates = await scanTree(root, '', filter, { stat: true, onDir, onDenied: (d) => denied.push(d), onUnnamed: ctx.onUnnamed });
  for (const rel of index.paths()) if (!found.has(rel) && !underAny(denied, rel)) found.set(rel, null);
  return found;
}

/**
 * The paths the watcher reported (`dirty`), with what is tracked under them, and every path under
 * the directories made or moved in since (`newDirs`, scanned whole; the dirty directories join it).
 */
export async function dirtyCandidates(ctx: CandidateContext, dirty: Set<string>, newDirs: Set<string>): Promise<Candidates> {
  const { root, filter, index, watchers } = ctx;
  // A write through another name of a hard-linked file (outside the workspace, in an ignored folder) reaches no watcher: those files are looked at each time.
  for (const rel of index.linkedPaths()) dirty.add(rel);
  const found: Candidates = new Map();
  const gone = (rel: string) => {
    found.set(rel, null);
    for (const p of index.under(rel)) found.set(p, null);
  };
  const ownName = exactNames(root, dirty);
  const onWay = realWay(root);
  await eachLimited(dirty, ctx.concurrency, async (rel) => {
    // Under a folder since replaced by a link (or removed): the path is gone from the tree, whatever is behind the link.
    const st = !(await onWay(rel))
      ? undefined
      : await lstatOrNone(path.join(root, rel)).then(
          async (s) => (s && !(await ownName(rel)) ? undefined : s),
          (e: unknown) => {
            // Under a folder made unsearchable (chmod 000): what is there is not known now, not gone.
            if (errCode(e) === 'EACCES' || errCode(e) === 'EPERM') return 'denied' as const;
            throw e;
          },
        );
    if (st === 'denied') return;
    if (!st || !(st.isFile() || st.isSymbolicLink() || st.isDirectory())) {
      // The watcher decoded a name that is not UTF-8: nothing by that string is there, yet something changed.
      if (!st && rel.includes('\uFFFD')) ctx.onUnnamed?.(rel);
      gone(rel);
      watchers?.removeTree(rel);
      return;
    }
    if (await filter.excludesPath(rel, st.isDirectory())) {
      // A tracked file replaced by a folder the rules exclude (`out/` ignored): the file is gone all the same, as a sweep finds.
      if (st.isDirectory() && index.get(rel)) found.set(rel, null);
      return;
    }
    if (!st.isDirectory()) {
      gone(rel);
      found.set(rel, st);
    } else {
      if (index.get(rel)) found.set(rel, null);
      watchers?.add(rel);
      newDirs.add(rel);
    }
  });
  for (const dir of newDirs) {
    if (!(await onWay(dir))) {
      for (const p of index.under(dir)) found.set(p, null);
      watchers?.removeTree(dir);
      continue;
    }
    const denied: string[] = [];
    const files = await scanTree(root, dir, filter, { stat: true, onDir: (rel) => watchers?.add(rel), onDenied: (d) => denied.push(d), onUnnamed: ctx.onUnnamed });
    for (const p of dir === '' ? index.paths() : index.under(dir)) if (!files.has(p) && !underAny(denied, p)) found.set(p, null);
    for (const [p, st] of files) found.set(p, st);
  }
  await index.addLinkedNames(found);
  return found;
}

/**
 * Whether a dirty path that a lstat finds is there by its own name. A file system that ignores case
 * (macOS, Windows) finds `Readme.md` after `mv Readme.md README.md`: the entry is README.md, and
 * Readme.md is gone. Only names of the batch that differ from another one only in case are looked up
 * in their folder (read once per folder); any other name is its own.
 */
function exactNames(root: string, dirty: ReadonlySet<string>): (rel: string) => Promise<boolean> {
  const byFold = new Map<string, number>();
  for (const rel of dirty) byFold.set(rel.toLowerCase(), (byFold.get(rel.toLowerCase()) ?? 0) + 1);
  const folders = new Map<string, Promise<Set<string> | undefined>>();
  return async (rel) => {
    if ((byFold.get(rel.toLowerCase()) ?? 0) < 2) return true;
    const dir = path.posix.dirname(rel);
    let names = folders.get(dir);
    if (!names) folders.set(dir, (names = readdir(path.join(root, dir)).then((n) => new Set(n), () => undefined)));
    return (await names)?.has(path.posix.basename(rel)) ?? true;
  };
}
