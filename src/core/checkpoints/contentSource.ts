import { hashBytes } from '../runner/sessionJournal';
import type { BlobHash } from '../store/types';

/**
 * Another place the bytes of a version may be, for versions the session kept by hash only (over the
 * size limit, say): the user's git, read-only (`GitContents`). What it offers is only a candidate:
 * `recalledContents` keeps bytes only when their hash is the one recorded, so nothing unverified is
 * ever restored.
 */
export interface ContentSource {
  /** Per path, bytes that may be the version `hash` names (none found: absent). Never throws. */
  recallByHash(wanted: readonly { path: string; hash: string }[]): Promise<Map<string, Uint8Array>>;
}

/**
 * How many versions one preview asks the source for: each costs a few git runs, so a checkout that
 * changed hundreds of files kept by hash only would hold the preview for minutes. The rest stay
 * "not restorable", as before the source was asked.
 */
export const MAX_RECALLED = 50;

/** The bytes `source` has for the versions asked (`hashes[i]`, null: not asked; the first MAX_RECALLED), by index, each verified byte-exact against its hash. */
export async function recalledContents(source: ContentSource | undefined, paths: readonly string[], hashes: readonly (BlobHash | null)[]): Promise<Map<number, Uint8Array>> {
  const found = new Map<number, Uint8Array>();
  const asked = hashes.flatMap((hash, i) => (hash === null ? [] : [{ i, path: paths[i] as string, hash }])).slice(0, MAX_RECALLED);
  if (!source || asked.length === 0) return found;
  const offered = await source.recallByHash(asked.map(({ path, hash }) => ({ path, hash })));
  for (const { i, path, hash } of asked) {
    const bytes = offered.get(path);
    if (bytes && hashBytes(bytes) === hash) found.set(i, bytes);
  }
  return found;
}
