import path from 'node:path';
import { type Comparison, sameExec } from '../capture/changeSet';
import { eachLimited } from '../util/eachLimited';
import type { CaptureIndex } from './captureIndex';
import type { LoggedSide } from './captureLog';
import { type AdmitBytes, lstatOrNone } from './captureRead';

/**
 * What changed between the index as an interrupted command began (`then`, read back from the log)
 * and now (the index of this process, kept up to date by its watcher): every path whose version
 * differs, its new side read again from disk (for its bytes). A path tracked then that is still on
 * disk but no longer tracked (unreadable, or ignored by rules changed since) is left out: nothing
 * says it changed. The old sides carry no bytes (the process that had them is gone): the caller
 * looks for them in its content store and in git.
 */
export async function interruptedComparisons(
  then: ReadonlyMap<string, LoggedSide>,
  held: ReadonlyMap<string, string | null>,
  index: CaptureIndex,
  root: string,
  concurrency: number,
  admit: AdmitBytes,
): Promise<{ comparisons: Comparison[]; examined: number; hashed: number }> {
  const paths = new Set([...then.keys(), ...index.paths()]);
  const differing = [...paths].filter((p) => {
    const [before, now] = [then.get(p), index.get(p)];
    return !(before && now && before.hash === now.hash && sameExec(before, now));
  });
  let hashed = 0;
  const found = await eachLimited(differing, concurrency, async (rel): Promise<Comparison | undefined> => {
    const before = then.get(rel);
    const after = index.get(rel) ? await index.read(rel, admit) : undefined;
    if (after) hashed++;
    if (!after && before && (await lstatOrNone(path.join(root, rel)))) return undefined;
    if (!before && !after) return undefined;
    if (before && after && before.hash === after.hash && sameExec(before, after)) return undefined;
    // Another session's write while the command ran (journaled by it), still as it wrote it: not the command's.
    if (held.has(rel) && held.get(rel) === (after?.hash ?? null)) return undefined;
    return { path: rel, before: before ? { ...before } : undefined, after };
  });
  return { comparisons: found.filter((c): c is Comparison => c !== undefined), examined: paths.size, hashed };
}
