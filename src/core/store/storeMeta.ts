import { RecordCodec, isEncrypted } from './codec';
import { StoreError } from './errors';
import { keys } from './keys';
import type { BatchOp, StoreContext } from './storeContext';
import type { WorkspaceId } from './types';

/** Version of the key layout and record shapes. A store with a higher one is refused, never rewritten. */
export const SCHEMA_VERSION = 1;

/** Session rows looked at for an encrypted one in a store that has no key check (written before there was one). */
const SAMPLED = 32;

/**
 * The store's meta records: checks the schema version and the key, and returns the workspace id,
 * writing the meta records (with `newId`) into a store not yet initialised. Meta records are never
 * compressed nor encrypted, so any Savepoint can tell what wrote a store before it can read the rest.
 *
 * A store opened with a key records a check of it (`m!key`, see RecordCodec.keyCheck); from then on
 * it opens only with that key: another key, or none, is refused (KEY_UNAVAILABLE) before anything is
 * written, since sessions written with another key, or in plain, would leave the store with records
 * no single key reads (and the list of sessions unreadable as a whole).
 */
export async function readOrInitMeta(ctx: StoreContext, newId: () => WorkspaceId): Promise<WorkspaceId> {
  const meta = new RecordCodec({ compressMin: 0 });
  const schemaRaw = await ctx.getRaw(keys.meta('schema'), 'opening the store');
  const wsRaw = await ctx.getRaw(keys.meta('workspace'), 'opening the store');
  const checkRaw = await ctx.getRaw(keys.meta('key'), 'opening the store');
  if (schemaRaw !== undefined) {
    const { version } = JSON.parse(meta.decode(schemaRaw).toString('utf8')) as { version: number };
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'SCHEMA_UNSUPPORTED',
        `this store was written by a newer Savepoint (schema ${version}; this one reads up to ${SCHEMA_VERSION}). It was left untouched.`,
      );
    }
  }
  const mine = ctx.codec.keyCheck();
  if (checkRaw !== undefined) {
    const { check } = JSON.parse(meta.decode(checkRaw).toString('utf8')) as { check: string };
    refuseKey(check === mine ? 'same' : mine === undefined ? 'none' : 'other');
  } else if (wsRaw !== undefined) {
    await checkAgainstRecords(ctx);
  }
  const enc = (v: unknown) => meta.encode(Buffer.from(JSON.stringify(v)));
  const ops: BatchOp[] = [];
  if (mine !== undefined && checkRaw === undefined) ops.push({ type: 'put', key: keys.meta('key'), value: enc({ check: mine }) });
  let id: WorkspaceId;
  if (wsRaw !== undefined) id = JSON.parse(meta.decode(wsRaw).toString('utf8')).id as WorkspaceId;
  else {
    if (ctx.readOnly) throw new StoreError('READ_ONLY', 'the store has not been initialised and is open read-only');
    id = newId();
    ops.push(
      { type: 'put', key: keys.meta('schema'), value: enc({ version: SCHEMA_VERSION }) },
      { type: 'put', key: keys.meta('workspace'), value: enc({ id, createdAt: ctx.now() }) },
    );
  }
  if (ops.length > 0 && !ctx.readOnly) await ctx.write(ops, wsRaw === undefined ? 'initialising the store' : 'recording the key check of the store');
  return id;
}

function refuseKey(found: 'same' | 'none' | 'other'): void {
  if (found === 'none') throw new StoreError('KEY_UNAVAILABLE', 'this store is encrypted at rest and was opened without its key. Nothing was read or changed.');
  if (found === 'other') {
    throw new StoreError('KEY_UNAVAILABLE', 'this store was encrypted with another key: the key given does not open it (a replaced key, or the store of another machine). Nothing was read or changed.');
  }
}

/**
 * A store without a key check: an encrypted session row (if any of the newest few is) must decrypt
 * with the key. Session rows, small, not the first records (blobs, up to megabytes each); the newest
 * (ids are ULIDs, by time) since a store that turned encryption on has its plain sessions first.
 */
async function checkAgainstRecords(ctx: StoreContext): Promise<void> {
  for await (const [, v] of ctx.range(keys.sessionPrefix, `${keys.sessionPrefix}\xff`, { limit: SAMPLED, reverse: true })) {
    if (!v) continue;
    if (isEncrypted(v)) {
      if (!ctx.codec.encrypting) refuseKey('none');
      try {
        ctx.codec.decode(v);
      } catch (e) {
        if (StoreError.is(e, 'KEY_UNAVAILABLE')) refuseKey('other');
        // A damaged record says nothing of the key: reads quarantine it as usual.
      }
      return;
    }
  }
}
