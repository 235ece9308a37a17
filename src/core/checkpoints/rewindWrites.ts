import { type FileChangeRequest, type StagedFiles, type Workspace, WorkspaceError } from '../ports/workspace';
import type { CheckpointStore } from '../store/checkpointStore';
import { StoreError } from '../store/errors';
import type { BlobHash, SessionId } from '../store/types';
import { CheckpointError, type RewindSettledData, type RewoundFile } from './checkpointEvents';
import { blobsOf, readDisk, writtenHash } from './fileContents';
import { lastStepOf } from './fileHistory';
import { fileWhereFolderWas } from './rewindFolders';
import { needsOk } from './overwriteChoice';
import { plannedContents, plannedDisk } from './plannedReads';
import type { RewindFilePlan } from './rewindPlan';

/** The writing half of a rewind or undo: the files staged, the record with the safety checkpoint committed, the renames, the settlement. */

/**
 * Told the files about to be written (their hash after, null: deleted) before the writes, and
 * released once they are done: a change capture shared with other sessions leaves them out of the
 * command it records meanwhile (ChangeCapture.holdWrites).
 */
export type HoldWrites = (writes: readonly { path: string; hash: BlobHash | null }[]) => (notWritten?: readonly string[]) => void;

/** What the record keeps of a file it changes: the hashes, and the execute bits a later undo or rewind sets again. */
export const rewound = (f: RewindFilePlan): RewoundFile => ({
  path: f.path,
  fromHash: f.fromHash,
  toHash: f.toHash,
  ...(f.fromExec ? { fromExec: true } : {}),
  ...(f.toExec ? { toExec: true } : {}),
  ...(f.fromMode !== undefined ? { fromMode: f.fromMode } : {}),
  ...(f.toMode !== undefined ? { toMode: f.toMode } : {}),
  ...(f.setExec !== undefined ? { setExec: f.setExec } : {}),
  ...(f.fromLink !== undefined ? { fromLink: f.fromLink } : {}),
  ...(f.toLink !== undefined ? { toLink: f.toLink } : {}),
});

/**
 * After a rewind or undo: the temporary files an attempt of the same operation left when a crash cut
 * it short before its record (the retry has the same id, so the same tag; no record names them). In
 * the background, off the operation's time: none of them is in anyone's way, and this one's own
 * temporary files are all renamed or removed by now.
 */
export function removeOwnLeftovers(workspace: Workspace, tag: string, write: readonly Write[]): void {
  if (write.length === 0) return;
  // After the caller has its result: the path checks of removeStaged run before its first await.
  setImmediate(() => void workspace.removeStaged(tag, write.map(({ f }) => f.path)).catch(() => undefined));
}

export interface Write {
  f: RewindFilePlan;
  /** The disk contents now (undefined: absent). */
  current: Uint8Array | undefined;
}

export interface Prepared {
  write: Write[];
  skipped: string[];
  /** The new contents of `write`, staged beside their files. */
  staged: StagedFiles;
}

/**
 * Which files to write, with their new contents staged. A file is left alone when its contents
 * were not kept, when it is a conflict (or has unsaved changes in an editor) not listed in `overwrite` (with the deletion that would take
 * its move back, `movedFrom`), or when the disk no longer holds
 * what the preview saw. A plan that read the disk carries what it read (`plannedDisk`): that is
 * what the record keeps, and a file changed since is left alone at its rename (`commitAndWrite`
 * reads each file right before it; the settlement names it). Otherwise the disk is read here while
 * the new contents are staged, and the rare file that changed since the preview makes the staging
 * start again without it.
 */
export async function prepareWrites(store: CheckpointStore, workspace: Workspace, files: readonly RewindFilePlan[], overwrite: readonly string[], tag: string): Promise<Prepared> {
  const changing = files.filter((f) => f.action !== 'none');
  const kept = new Set(changing.filter((f) => needsOk(f) && !overwrite.includes(f.path)).map((f) => f.path));
  const writable = changing.filter((f) => f.restorable && f.link === undefined && f.keptFor === undefined && !kept.has(f.path) && !(f.movedFrom !== undefined && kept.has(f.movedFrom)));
  const candidates = swappable(changing, writable);
  // What the plan read, else the store (a plan that went through a copy carries no contents).
  const carried = candidates.map(plannedContents);
  // A link to make needs no contents.
  const fromStore = await blobsOf(store, candidates.map((f, i) => (carried[i] || f.toLink !== undefined ? null : f.toHash)));
  const targets = candidates.map((_, i) => carried[i] ?? fromStore[i]);
  const missing = candidates.find((f, i) => f.toHash !== null && f.toLink === undefined && !targets[i]);
  if (missing) throw new CheckpointError('DAMAGED', `the contents of ${missing.path} at ${missing.toHash} are missing from the store`);
  const changes = (keep: (i: number) => boolean) =>
    candidates.flatMap((f, i): FileChangeRequest[] => {
      if (!keep(i)) return [];
      if (f.toLink !== undefined) return [{ path: f.path, bytes: null, link: f.toLink }];
      const bytes = f.toHash === null ? null : (targets[i] as Uint8Array);
      return [{ path: f.path, bytes, ...(f.toExec ? { executable: true } : {}), ...(f.toMode !== undefined ? { mode: f.toMode } : {}), ...(f.setExec !== undefined ? { setExec: f.setExec } : {}), ...(f.fromLink !== undefined ? { replaceLink: true as const } : {}), ...(f.replacesDir ? { replaceDir: true as const } : {}) }];
    });
  // The staging first: its writes wait on fsyncs in the thread pool while the disk is read here
  // (the workspace limits its own writes at once; reads of small files do not wait on the disk).
  const [staging, disk] = await Promise.allSettled([workspace.stageFiles(changes(() => true), { tag }), Promise.all(candidates.map((f) => seenOrRead(workspace, f)))]);
  if (disk.status === 'rejected') {
    if (staging.status === 'fulfilled') await staging.value.discard();
    throw disk.reason;
  }
  if (staging.status === 'rejected') throw await fileWhereFolderWas(workspace, staging.reason);
  let staged = staging.value;
  const changed = candidates.map((f, i) => disk.value[i]?.hash !== f.fromHash);
  // A move's deletion waits for its way back: with that path changed since the preview, the moved file stays.
  const back = new Map(candidates.map((f, i) => [f.path, i]));
  const same = candidates.map((f, i) => !changed[i] && !(f.movedFrom !== undefined && changed[back.get(f.movedFrom) ?? -1]));
  if (same.includes(false)) {
    await staged.discard();
    staged = await workspace.stageFiles(changes((i) => same[i] === true), { tag });
  }
  const write = candidates.flatMap((f, i): Write[] => (same[i] ? [{ f, current: disk.value[i]?.bytes }] : []));
  const written = new Set(write.map(({ f }) => f.path));
  return { write, skipped: changing.filter((f) => !written.has(f.path)).map((f) => f.path), staged };
}

/**
 * A swap of a file and a folder is written whole or not at all: a file replacing a folder waits for
 * the deletion of every file the plan deletes in it, and a file in a folder that a file stands in
 * for now waits for that file's deletion. One of them left alone (a conflict kept, contents not
 * kept) leaves the other alone too.
 */
function swappable(changing: readonly RewindFilePlan[], writable: readonly RewindFilePlan[]): RewindFilePlan[] {
  const ok = new Set(writable);
  const held = new Set(changing.filter((f) => !ok.has(f)).map((f) => f.path));
  const heldUnder = (dir: string) => [...held].some((p) => p.startsWith(`${dir}/`));
  const heldAbove = (p: string) => {
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) if (held.has(p.slice(0, i))) return true;
    return false;
  };
  return writable.filter((f) => !(f.replacesDir && heldUnder(f.path)) && !(held.size > 0 && f.action !== 'delete' && heldAbove(f.path)));
}

/**
 * Commits the record with the safety checkpoint (the contents about to be replaced), then makes the
 * staged changes. Each file is read again just before its rename: one saved since `prepareWrites`
 * read it (an editor's autosave during the commit, the fork or the memory revert) holds contents the
 * safety checkpoint does not have, so it is left as it is. Returns those files, which the
 * settlement written after the renames names (`RewindSettledData`), so that the record's undo and the
 * timeline leave them out.
 */
export async function commitAndWrite(
  store: CheckpointStore,
  workspace: Workspace,
  id: SessionId,
  headSeq: number,
  type: 'rewind' | 'rewind_undone',
  data: { rewindId: string; part?: number; files: RewoundFile[]; tag?: string },
  prepared: Prepared,
  /** Tags of earlier crashed rewinds whose files could not be removed: the row keeps naming them. */
  stillThere: readonly string[],
  /** beforeSettle: an undo's memory, after the renames, before the settlement, which then says it was done. */
  { onRecorded, beforeSettle, holdWrites }: { onRecorded?: () => void; beforeSettle?: () => Promise<void>; holdWrites?: HoldWrites },
): Promise<string[]> {
  let step: number;
  try {
    const summary = await store.getSession(id);
    if (!summary) throw new CheckpointError('NOT_FOUND', `no session ${id} in this workspace`);
    step = await lastStepOf(store, summary);
    await store.commit({
      sessionId: id,
      expectedHeadSeq: headSeq,
      events: [{ step, type, data }],
      // The disk was hashed when it was checked against the preview: fromHash is what it holds.
      blobs: prepared.write.flatMap(({ f, current }) => (current && f.fromHash ? [{ content: current, hash: f.fromHash }] : [])),
      // Renames under way (see SessionSummary.unsettled); earlier ones' leftovers were removed before this, as far as they could be.
      summary: { unsettled: [...stillThere, ...(data.tag ? [data.tag] : [])] },
    });
  } catch (e) {
    await prepared.staged.discard();
    // Another rewind, undo or run of the session committed first (the check at the start passed for both).
    if (StoreError.is(e, 'HEAD_MISMATCH')) throw new CheckpointError('STALE', `session ${id} moved on while this was being applied (another rewind, undo or run of it was recorded first); no file was written: preview again`);
    throw e;
  }
  // The record is durable: the renames follow (distinct paths, any order).
  onRecorded?.();
  const planned = new Map(prepared.write.map(({ f }) => [f.path, f]));
  const now = (f: RewindFilePlan) => readPlanned(workspace, f).then((d) => d.hash, () => undefined);
  const unchanged = async (path: string) => {
    const f = planned.get(path) as RewindFilePlan;
    if ((await now(f)) !== f.fromHash) return false;
    // A move's deletion is made only while its way back (`movedFrom`) holds what it held, or what this rewind writes there: never both copies gone.
    const back = f.movedFrom === undefined ? undefined : planned.get(f.movedFrom);
    const there = back && (await now(back));
    return !back || there === back.fromHash || there === back.toHash;
  };
  // Held until the renames are done (a link by its own hash, as the capture sees it), then released with the files skipped (changed meanwhile): those are not left out of a command's capture.
  const release = holdWrites?.(prepared.write.map(({ f }) => ({ path: f.path, hash: writtenHash(f) })));
  let skipped: string[] = [];
  try {
    ({ skipped } = await prepared.staged.apply({ unchanged }));
  } finally {
    release?.(skipped);
  }
  // Done: the record is settled, with the files it lists but left alone. Not synced, and best effort:
  // without it, the record counts them as written (a later undo then sees a conflict and asks).
  await beforeSettle?.();
  if (data.files.length > 0 || beforeSettle) {
    const settled: RewindSettledData = { rewindId: data.rewindId, ...(type === 'rewind_undone' ? { undo: true as const } : {}), ...(data.part ? { part: data.part } : {}), notWritten: skipped, ...(beforeSettle ? { memory: true as const } : {}) };
    await store.commit({ sessionId: id, expectedHeadSeq: headSeq + 1, events: [{ step, type: 'rewind_settled', data: settled }], summary: { unsettled: [...stillThere] }, deferSync: true }).catch(() => undefined);
  }
  return skipped;
}

/**
 * The disk at a planned file before the record: what the plan read there (`plannedDisk`), else read
 * now (a plan that went through a copy carries none).
 */
function seenOrRead(workspace: Workspace, f: RewindFilePlan): Promise<{ hash: BlobHash | null | 'changed'; bytes?: Uint8Array | undefined }> {
  const seen = plannedDisk(f);
  return seen === undefined ? readPlanned(workspace, f) : Promise.resolve({ hash: f.fromHash, bytes: seen ?? undefined });
}

/**
 * The disk at a planned file, as the plan saw it: through `readDisk`, except where the plan found the
 * session's own link (`fromLink`), which holds no contents of its own (hash null while it is that
 * link; anything else there is a change since the preview).
 */
async function readPlanned(workspace: Workspace, f: RewindFilePlan): Promise<{ hash: BlobHash | null | 'changed'; bytes?: Uint8Array | undefined }> {
  // The folder a file replaces holds no contents of its own: the staging's apply checks it is emptied.
  if (f.replacesDir) return readDisk(workspace, f.path).catch((e: unknown) => (WorkspaceError.is(e, 'IS_DIRECTORY') ? { hash: null } : Promise.reject(e)));
  if (f.fromLink === undefined) return readDisk(workspace, f.path);
  const [link] = await workspace.linksOnWay([f.path]);
  return { hash: link?.path === f.path && link.to === f.fromLink ? null : 'changed' };
}
