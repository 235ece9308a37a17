import { type DecodedBlob, decodeBlob } from './blobFormat';
import type { RecordCodec } from './codec';
import { StoreError } from './errors';
import { keys } from './keys';
import type { BatchOp } from './storeContext';
import type { BlobHash, SessionId } from './types';

/*
 * Encryption at rest over blobs a plain store wrote before it was turned on. Blobs are addressed by
 * their content, so a new session's file may be one an earlier, plain session stored: referenced as
 * it is, its contents would stay plain on disk as long as the new session keeps it, though the user
 * asked for encryption. So an encrypting store counts a blob as stored only when its record and
 * every record down its delta chain are encrypted, and writes the others again, encrypted, in place
 * (the same content: deltas on it still hold). The earlier sessions' own records stay plain until
 * they are deleted.
 */

/** A blob as the store holds it in its cache: `sealed`, its record and every record down its chain are encrypted. */
interface Cached {
  sealed: boolean;
}

/**
 * Which of `hashes` are stored encrypted down their whole chain (`sealed`; one being freed does not
 * count), and which are stored with a plain record somewhere down it (`plain`: to write again).
 */
export async function sealedOf(hashes: readonly BlobHash[], cached: (h: BlobHash) => Cached | undefined, load: (hs: readonly BlobHash[]) => Promise<(Cached | undefined)[]>, freeing: ReadonlySet<BlobHash>): Promise<{ sealed: Set<BlobHash>; plain: Set<BlobHash> }> {
  const sealed = new Set<BlobHash>();
  const plain = new Set<BlobHash>();
  const ask = [...new Set(hashes.filter((h) => !(cached(h)?.sealed === true && sealed.add(h))))];
  for (const [i, c] of (await loadEach(ask, load)).entries()) if (c) (c.sealed ? sealed : plain).add(ask[i] as BlobHash);
  for (const h of hashes) if (freeing.has(h)) sealed.delete(h);
  return { sealed, plain };
}

/** `load`, and when a blob is damaged, each blob alone: a damaged one counts as not stored (it is written afresh). */
async function loadEach(hashes: readonly BlobHash[], load: (hs: readonly BlobHash[]) => Promise<(Cached | undefined)[]>): Promise<(Cached | undefined)[]> {
  try {
    return await load(hashes);
  } catch (e) {
    if (!StoreError.is(e, 'CORRUPT')) throw e;
    const one = (h: BlobHash) => load([h]).then(([c]) => c, (x: unknown) => (StoreError.is(x, 'CORRUPT') ? undefined : Promise.reject(x)));
    return Promise.all(hashes.map(one));
  }
}

/**
 * The stored record `raw` of `hash`, about to be written again encrypted and in full: when it is a
 * delta, the dependency on its base passes to `owner` (as a release does), so that the base is freed
 * with the owner's blobs rather than never. Nothing when it is not stored, full, or unreadable.
 */
export function dependencyMoves(owner: SessionId, hash: BlobHash, raw: Uint8Array | undefined, codec: RecordCodec): BatchOp[] {
  if (raw === undefined) return [];
  let rec: DecodedBlob;
  try {
    rec = decodeBlob(codec.decode(raw));
  } catch {
    return [];
  }
  if (rec.kind !== 'delta') return [];
  return [
    { type: 'del', key: keys.ref(rec.base, `~${hash}`) },
    { type: 'put', key: keys.ref(rec.base, owner), value: EMPTY },
    { type: 'put', key: keys.owned(owner, rec.base), value: EMPTY },
  ];
}

const EMPTY = new Uint8Array(0);
