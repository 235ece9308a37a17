import { RecordCodec } from './codec';
import { StoreError } from './errors';
import { keys } from './keys';
import type { StoreContext } from './storeContext';
import type { WorkspaceId } from './types';

/** Version of the key layout and record shapes. A store with a higher one is refused, never rewritten. */
export const SCHEMA_VERSION = 1;

/**
 * The store's meta records: checks the schema version and returns the workspace id, writing both
 * (with `newId`) into a store not yet initialised. Meta records are never compressed nor encrypted,
 * so any Savepoint can tell what wrote a store before it can read the rest.
 */
export async function readOrInitMeta(ctx: StoreContext, newId: () => WorkspaceId): Promise<WorkspaceId> {
  const meta = new RecordCodec({ compressMin: 0 });
  const schemaRaw = await ctx.getRaw(keys.meta('schema'), 'opening the store');
  const wsRaw = await ctx.getRaw(keys.meta('workspace'), 'opening the store');
  if (schemaRaw !== undefined) {
    const { version } = JSON.parse(meta.decode(schemaRaw).toString('utf8')) as { version: number };
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'SCHEMA_UNSUPPORTED',
        `this store was written by a newer Savepoint (schema ${version}; this one reads up to ${SCHEMA_VERSION}). It was left untouched.`,
      );
    }
  }
  if (wsRaw !== undefined) return JSON.parse(meta.decode(wsRaw).toString('utf8')).id as WorkspaceId;
  if (ctx.readOnly) throw new StoreError('READ_ONLY', 'the store has not been initialised and is open read-only');
  const id = newId();
  const enc = (v: unknown) => meta.encode(Buffer.from(JSON.stringify(v)));
  await ctx.write(
    [
      { type: 'put', key: keys.meta('schema'), value: enc({ version: SCHEMA_VERSION }) },
      { type: 'put', key: keys.meta('workspace'), value: enc({ id, createdAt: ctx.now() }) },
    ],
    'initialising the store',
  );
  return id;
}
