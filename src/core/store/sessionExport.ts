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
export function collectHashes(value: unknown, into: Set<string>): void {
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

/** What an export wrote, for the words said after it (`exportedWords`). */
export interface ExportSummary {
  events: number;
  /** Stored contents written, and their size in bytes. */
  blobs: number;
  bytes: number;
  missing: number;
}

/** Where the text of an export goes, piece by piece; resolves when the piece may be let go. */
export type ExportSink = (text: string) => Promise<void>;

/** Pieces are handed on in runs of about this many characters. */
const RUN_CHARS = 1 << 20;

/**
 * The whole session as the `SessionExport` document, the text `JSON.stringify(x, null, 2)` would
 * make, written to `sink` as it is read: each stored content is read, written and let go before the
 * next, so that a session of many large versions (a lockfile `npm install` rewrote at every step) is
 * exported in the memory of one, where the whole document in one string could exceed what a string
 * can hold. Throws SESSION_NOT_FOUND before anything is written.
 */
export async function writeSessionExport(store: CheckpointStore, id: SessionId, sink: ExportSink, now: Date = new Date()): Promise<ExportSummary> {
  const session = await store.getSession(id);
  if (!session) throw new StoreError('SESSION_NOT_FOUND', `no session ${id} in this workspace`);
  const events: JournalEvent[] = [];
  for await (const e of store.readEvents(id)) events.push(e);
  const effects = await store.listEffects(id);
  let run = '';
  const put = async (text: string): Promise<void> => {
    run += text;
    if (run.length >= RUN_CHARS) {
      const out = run;
      run = '';
      await sink(out);
    }
  };
  /** A value at the document's depth `depth`, as JSON.stringify indents it there. */
  const at = (v: unknown, depth: number) => JSON.stringify(v, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
  const list = async (key: string, items: readonly unknown[]) => {
    if (items.length === 0) return put(`  ${JSON.stringify(key)}: [],\n`);
    await put(`  ${JSON.stringify(key)}: [`);
    for (const [i, item] of items.entries()) await put(`${i === 0 ? '' : ','}\n    ${at(item, 2)}`);
    return put('\n  ],\n');
  };
  await put(`{\n  "format": ${JSON.stringify(EXPORT_FORMAT)},\n  "exportedAt": ${JSON.stringify(now.toISOString())},\n  "session": ${at(session, 1)},\n`);
  await list('events', events);
  await list('effects', effects);
  const named = new Set<string>();
  collectHashes(events.map((e) => e.data), named);
  collectHashes(effects, named);
  const missing: { hash: string; reason: string }[] = [];
  const done = new Set<string>();
  const summary: ExportSummary = { events: events.length, blobs: 0, bytes: 0, missing: 0 };
  await put('  "blobs": {');
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
      const blob: ExportedBlob = text === undefined ? { encoding: 'base64', data: Buffer.from(bytes).toString('base64') } : { encoding: 'utf8', data: text };
      await put(`${summary.blobs === 0 ? '' : ','}\n    ${JSON.stringify(hash)}: ${at(blob, 2)}`);
      summary.blobs++;
      summary.bytes += bytes.length;
      const inner = text === undefined ? undefined : jsonOf(text);
      if (inner !== undefined) collectHashes(inner, more);
    }
    pending = [...more].filter((h) => !done.has(h));
  }
  await put(summary.blobs === 0 ? '},\n' : '\n  },\n');
  summary.missing = missing.length;
  await put(`  "missing": ${at(missing, 1)}\n}`);
  if (run.length > 0) await sink(run);
  return summary;
}

/** The whole session in memory (a small one: `writeSessionExport` writes any size). */
export async function exportSession(store: CheckpointStore, id: SessionId, now: Date = new Date()): Promise<SessionExport> {
  let text = '';
  await writeSessionExport(store, id, async (piece) => void (text += piece), now);
  return JSON.parse(text) as SessionExport;
}

/** "exported 412 events and 230 stored contents (1.8 MB); 2 contents are not in the store (listed under "missing")" */
export function exportedWords(x: ExportSummary): string {
  const size = x.bytes >= 1e6 ? `${(x.bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(x.bytes / 1e3)} KB`;
  const gone = x.missing === 0 ? '' : `; ${count(x.missing, 'content is', 'contents are')} not in the store (listed under "missing")`;
  return `exported ${count(x.events, 'event')} and ${count(x.blobs, 'stored content')} (${size})${gone}`;
}
