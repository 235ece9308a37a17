import { linkHash } from '../capture/changeSet';
import type { Workspace } from '../ports/workspace';
import type { BlobHash } from '../store/types';
import type { DiskFile } from './fileContents';
import type { FileHistory, FileTouch, KnownState } from './fileHistory';

const byCall = (t: FileTouch): boolean => t.kind === 'tool' || t.kind === 'command';

/**
 * The symlinks the session's calls left at the end of `step`, by path (their text): what a rewind to
 * `step` makes again as links, never as files holding what they led to. Two sources: a link a file
 * tool deleted after `step` (`FileHistory.deletedLinksAfter`), and the state the capture recorded for
 * a command's changes (a link a command created, retargeted, removed or replaced, `afterLink` and
 * `beforeLink` of its touches). Rewinds and undos do not count: steps are the model's history.
 * `canMakeLinks` false (Windows without the privilege): none, and the file a deleted link led to
 * comes back as a copy (its contents are kept).
 */
export function linksAt(history: FileHistory, step: number, canMakeLinks = true): Map<string, string> {
  if (!canMakeLinks) return new Map();
  const out = history.deletedLinksAfter(step);
  for (const path of history.paths) {
    const calls = history.touchesOf(path).filter(byCall);
    const first = calls[0];
    // Before the first change: a link only when a command saw one there (a file tool's deletion is the case above).
    let link = first?.kind === 'command' ? first.beforeLink : undefined;
    for (const t of calls) if (t.step <= step && t.outcome === 'applied') link = t.kind === 'command' ? t.afterLink : undefined;
    if (link !== undefined && !out.has(path)) out.set(path, link);
  }
  return out;
}

/** A path that is a symlink on disk, read as the link itself: its text and `linkHash`, no bytes. */
export type LinkOnDisk = DiskFile & { link: string };

/**
 * For each of `known`, the symlink on disk at the path itself, where the session's own changes left a
 * link there or the known version is that very link (`linkHash`): the drift check compares it as a
 * link, never following it (it may lead out of the workspace). Undefined elsewhere: read as a file.
 */
export async function linksOnDisk(workspace: Workspace, history: FileHistory, known: readonly KnownState[]): Promise<(LinkOnDisk | undefined)[]> {
  const links = await workspace.linksOnWay(known.map((k) => k.path)).catch(() => known.map(() => undefined));
  const own = history.ownLinks();
  return known.map((k, i) => {
    const l = links[i];
    if (l?.path !== k.path) return undefined;
    const hash = linkHash(l.to) as BlobHash;
    return own.has(k.path) || hash === k.hash ? { path: k.path, bytes: undefined, hash, link: l.to } : undefined;
  });
}

/**
 * A recorded mode with the execute bit the target had, where known: the mode is the one a later
 * deletion found, after any `chmod` the history recorded since the target.
 */
export function withBit(mode: number | undefined, exec: boolean | undefined): number | undefined {
  if (mode === undefined || exec === undefined) return mode;
  return exec ? mode | ((mode & 0o444) >> 2) : mode & ~0o111;
}
