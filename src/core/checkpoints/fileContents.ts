import { createTwoFilesPatch } from 'diff';
import type { Workspace } from '../ports/workspace';
import { hashBytes } from '../runner/sessionJournal';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash } from '../store/types';

/** A file as it is on disk now (bytes undefined: absent). */
export interface DiskFile {
  path: string;
  bytes: Uint8Array | undefined;
  hash: BlobHash | null;
}

export async function readDisk(workspace: Workspace, path: string): Promise<DiskFile> {
  const bytes = await workspace.readFile(path);
  return { path, bytes, hash: bytes ? hashBytes(bytes) : null };
}

/** Contents of several hashes (null: absent file), in one store read. */
export async function blobsOf(store: CheckpointStore, hashes: readonly (BlobHash | null)[]): Promise<(Uint8Array | undefined)[]> {
  const wanted = [...new Set(hashes.filter((h): h is BlobHash => h !== null))];
  const got = await store.getBlobs(wanted);
  const byHash = new Map(wanted.map((h, i) => [h, got[i]]));
  return hashes.map((h) => (h === null ? undefined : byHash.get(h)));
}

const decoder = new TextDecoder('utf-8', { fatal: false });

const isBinary = (b: Uint8Array | undefined): boolean => b !== undefined && b.subarray(0, 8000).includes(0);

export const DEFAULT_MAX_DIFF_CHARS = 4_000;

/** A unified diff from `a` to `b` (undefined: absent), cut at `maxChars`; binary contents are named, not shown. */
export function boundedDiff(path: string, a: Uint8Array | undefined, b: Uint8Array | undefined, maxChars = DEFAULT_MAX_DIFF_CHARS): string {
  if (isBinary(a) || isBinary(b)) return `Binary file ${path} differs (${a?.length ?? 0} -> ${b?.length ?? 0} bytes)\n`;
  const patch = createTwoFilesPatch(a ? `a/${path}` : '/dev/null', b ? `b/${path}` : '/dev/null', a ? decoder.decode(a) : '', b ? decoder.decode(b) : '', undefined, undefined, { context: 3 });
  return patch.length > maxChars ? `${patch.slice(0, maxChars)}\n... (diff cut at ${maxChars} of ${patch.length} characters)\n` : patch;
}
