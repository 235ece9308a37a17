import { WorkspaceError } from '../ports/workspace';
import type { BlobHash } from '../store/types';
import { type ApprovedDisk, approvedAt } from './conflictQuestion';
import { hashOrNull } from './fileChanges';
import type { MergedFile } from './outsideChanges';
import { changedAfterWrite, mergeStale } from './pendingMerge';
import type { PlannedMutation } from './runEvents';

/** Where each file of an edit in flight at a crash stands, as the resume finds the disk. */
export interface InFlightFiles {
  /** Still as before the edit (or as an approved question showed it): the edit is made now. */
  pending: PlannedMutation[];
  /** Lines that did not merge, for the user. */
  conflicts: string[];
  /** Changed outside the session during the crash, with the session's edit merged in. */
  merged: { path: string; base: string | null; disk: Uint8Array; after: Uint8Array }[];
  /** Not yet as the edit makes them: what a conflict question shows and records. */
  unwritten: { m: PlannedMutation; disk: Uint8Array | null }[];
  /** The edit had reached them, and they were changed outside after it (`changedAfterEdit`): done; the model is told that change. */
  after: MergedFile[];
  /** No longer files the session can write (a directory, a symlink out of the workspace, a pipe): why, per path. */
  unreadable: string[];
}

/** Reads each file of the edit and sorts it (files already as the edit makes them are in none of the lists). */
export async function inFlightFiles(
  mutations: readonly PlannedMutation[],
  readFile: (path: string) => Promise<Uint8Array | undefined>,
  getBlob: (h: BlobHash) => Promise<Uint8Array>,
  approved: ApprovedDisk,
  /** The path a file's name leads to now, symlinks followed (workspace-relative). */
  realPath: (path: string) => Promise<string> = async (p) => p,
): Promise<InFlightFiles> {
  const out: InFlightFiles = { pending: [], conflicts: [], merged: [], unwritten: [], after: [], unreadable: [] };
  for (const m of mutations) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(m.path);
    } catch (e) {
      // Replaced outside while Savepoint was down: nothing to merge with, nothing to write into; the resume goes on without the edit.
      if (!WorkspaceError.is(e)) throw e;
      out.unreadable.push(e.message);
      continue;
    }
    const now = hashOrNull(bytes);
    if (now === m.afterHash) continue;
    const asked = approvedAt(approved, m.path, now);
    const mine = bytes && now !== m.beforeHash && !asked ? await changedAfterWrite(m, bytes, getBlob) : undefined;
    if (mine) {
      out.after.push(mine);
      continue;
    }
    out.unwritten.push({ m, disk: bytes ?? null });
    // Made a link to another file meanwhile (the intent names the real path): writing would go into that file, which is never done unasked.
    const real = bytes && m.afterHash !== null && !asked ? await realPath(m.path).catch(() => m.path) : m.path;
    if (real !== m.path) {
      out.conflicts.push(`${m.path} leads to ${real} now, through a symlink: the edit was made for ${m.path}, and approving it writes it into ${real}`);
      continue;
    }
    if (now === m.beforeHash || asked) {
      out.pending.push(m);
      continue;
    }
    const o = await mergeStale({ path: m.path, planned: m, disk: bytes ?? null }, getBlob);
    if ('merged' in o && bytes) out.merged.push({ path: m.path, base: m.beforeHash, disk: bytes, after: o.merged });
    else out.conflicts.push('conflict' in o ? o.conflict : `${m.path} changed outside the session`);
  }
  return out;
}

/** What the model is told of an edit in flight at a crash that was not made because a path of it is no longer a file it can write. */
export const notMadeNote = (unreadable: readonly string[]): string =>
  `The edit was not made: it was interrupted by a crash, and before the session resumed its files changed outside the session. ${unreadable.join(' ')} Nothing was written at the resume; look at the path before changing it again.`;

/** What the model is told of an approved edit whose path changed outside the session so that it cannot be written (its folder made a file). */
export const notWrittenNote = (why: string): string => `The edit was not made: its path changed outside the session before the write. ${why} Nothing was written; look at the path before changing it again.`;
