import type { CheckpointStore } from './checkpointStore';
import { isBlobHash } from './blobFormat';
import { StoreError } from './errors';
import { count } from '../util/plural';
import type { BlobHash, EffectRecord, JournalEvent, SessionId, SessionSummary } from './types';

/**
 * A session exported whole, to read or keep elsewhere: its index row, every journal event, its
 * effect records, and the contents of every blob they name (the messages of the conversation, the
 * calls' full results, the files' versions), found by walking the events, the effects and the JSON
 * blobs themselves. The journal names its contents by hash only: without the blobs an export held
 * no word of the conversation.
 */
export const EXPORT_FORMAT = 'savepoint-session/2';

export interface ExportedBlob {
  /** 'utf8' when the bytes are valid UTF-8 text, else 'base64'. */
  encoding: 'utf8' | 'base64';
  data: string;
}

export interface SessionExport {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  session: SessionSummary;
  events: JournalEvent[];
  effects: EffectRecord[];
  /** By hash. */
  blobs: Record<string, ExportedBlob>;
  /**
   * Hashes named but not stored, with why: a file over the size limit is recorded by its hash and
   * size only, and a blob found damaged is quarantined.
   */
  missing: { hash: string; reason: string }[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function asText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Every blob hash a value holds, at any depth (an object's keys are not contents). */
function collectHashes(value: unknown, into: Set<string>): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (isBlobHash(v)) into.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Object.values(v)) stack.push(x);
    }
  }
}

/** JSON inside a blob (a message, a result), whose own hashes name more blobs; undefined for other text. */
function jsonOf(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The whole session; throws SESSION_NOT_FOUND. */
export async function exportSession(store: CheckpointStore, id: SessionId, now: Date = new Date()): Promise<SessionExport> {
  const session = await store.getSession(id);
  if (!session) throw new StoreError('SESSION_NOT_FOUND', `no session ${id} in this workspace`);
  const events: JournalEvent[] = [];
  for await (const e of store.readEvents(id)) events.push(e);
  const effects = await store.listEffects(id);
  const named = new Set<string>();
  collectHashes(events.map((e) => e.data), named);
  collectHashes(effects, named);
  const blobs: Record<string, ExportedBlob> = {};
  const missing: { hash: string; reason: string }[] = [];
  const done = new Set<string>();
  let pending = [...named];
  while (pending.length > 0) {
    const more = new Set<string>();
    for (const hash of pending) {
      done.add(hash);
      let bytes: Uint8Array;
      try {
        if (!(await store.hasBlob(hash as BlobHash))) {
          missing.push({ hash, reason: 'not stored: recorded by its hash and size only (a file over the size limit, or binary content not kept)' });
          continue;
        }
        bytes = await store.getBlob(hash as BlobHash);
      } catch (e) {
        if (!StoreError.is(e, 'BLOB_NOT_FOUND') && !StoreError.is(e, 'CORRUPT')) throw e;
        missing.push({ hash, reason: StoreError.is(e, 'CORRUPT') ? 'damaged in the store (quarantined)' : 'not stored' });
        continue;
      }
      const text = asText(bytes);
      blobs[hash] = text === undefined ? { encoding: 'base64', data: Buffer.from(bytes).toString('base64') } : { encoding: 'utf8', data: text };
      const inner = text === undefined ? undefined : jsonOf(text);
      if (inner !== undefined) collectHashes(inner, more);
    }
    pending = [...more].filter((h) => !done.has(h));
  }
  return { format: EXPORT_FORMAT, exportedAt: now.toISOString(), session, events, effects, blobs, missing };
}

/** "exported 412 events and 230 stored contents (1.8 MB); 2 files were recorded by hash only" */
export function exportedWords(x: SessionExport): string {
  const n = Object.keys(x.blobs).length;
  const bytes = Object.values(x.blobs).reduce((sum, b) => sum + (b.encoding === 'utf8' ? Buffer.byteLength(b.data) : Math.floor((b.data.length * 3) / 4)), 0);
  const size = bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} KB`;
  const gone = x.missing.length === 0 ? '' : `; ${count(x.missing.length, 'content is', 'contents are')} not in the store (listed under "missing")`;
  return `exported ${count(x.events.length, 'event')} and ${count(n, 'stored content')} (${size})${gone}`;
}
