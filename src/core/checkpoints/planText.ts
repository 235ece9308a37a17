import { WorkspaceError, type LinkOnWay } from '../ports/workspace';
import { CheckpointError } from './checkpointEvents';
import { describeDelta, symbolDelta } from '../code/symbolDelta';
import type { Outliner } from '../runner/stepEffects';

/** The words of a rewind preview: what a file's change does to its symbols, and the messages about paths. */

const decoder = new TextDecoder();

/** A path the session knew as a file that is a directory now (a command swapped them): said so, with what to do. */
export function directoryNow(e: unknown, path: string, link?: string): unknown {
  if (!WorkspaceError.is(e, 'IS_DIRECTORY')) return e;
  const what = link !== undefined ? 'a symlink' : 'a file';
  return new CheckpointError(
    'INVALID',
    `${path} was ${what}${link !== undefined ? ` (to ${link})` : ''} in this session and is a directory now: a rewind does not replace a directory with ${what}. Move or remove the directory ${path}, then try again. Nothing was changed.`,
  );
}

/** "changed function `parse`" lines for one file going from `from` to `to` (null: absent); none when either side cannot be read. */
export function symbolChanges(outliner: Outliner, path: string, from: Uint8Array | null, to: Uint8Array | null): string[] {
  try {
    const before = from ? outliner.outline(path, decoder.decode(from)) : null;
    const after = to ? outliner.outline(path, decoder.decode(to)) : null;
    if ((before ?? after)?.language == null) return [];
    const suffix = ` in ${path}`;
    return describeDelta(path, symbolDelta(before, after)).map((l) => (l.endsWith(suffix) ? l.slice(0, -suffix.length) : l));
  } catch {
    return [];
  }
}


/** A rewind's target in words: "before the session" for step 0, "step N" otherwise. */
export const targetName = (step: number): string => (step === 0 ? 'before the session' : `step ${step}`);

/** "a.txt is a symlink now (to b.txt)", or "conf, a folder on the way to conf/cfg.txt, is a symlink now (to secret)". */
export const linkWords = (path: string, link: LinkOnWay): string =>
  link.path === path ? `${path} is a symlink now (to ${link.to})` : `${link.path}, a folder on the way to ${path}, is a symlink now (to ${link.to})`;

/** Why a rewind leaves the session's own link in place (see blockedMoves' keepLinksInTheWay). */
export const ownLinkKeptWords = (path: string, to: string, under: string): string =>
  `${path} is kept: it is a symlink the session made (to ${to}), and ${under} is on the way through it; a rewind never writes through a link. Remove the link ${path}, then rewind again`;

/** Why a deletion of a rewind is left out (`RewindFilePlan.keptFor`), and what the user can do. */
export const keptWords = (path: string, k: { path: string; link: LinkOnWay }): string =>
  `${path} is kept: the session moved ${k.path} there, and ${k.path} cannot come back (${linkWords(k.path, k.link)}, which a rewind never replaces); deleting ${path} would leave neither copy. Remove the link ${k.link.path}, then rewind again`;
