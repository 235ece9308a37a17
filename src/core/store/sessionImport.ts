import { constants } from 'node:buffer';
import { z } from 'zod';
import { errCode } from '../util/errCode';
import { count as counted } from '../util/plural';
import type { CheckpointStore } from './checkpointStore';
import { hashBlob } from './blobFormat';
import { askedAgainOnImport } from '../runner/importedApprovals';
import { isValidActionId, isValidSessionId } from './keys';
import { EXPORT_FORMAT, type SessionExport, collectHashes } from './sessionExport';
import type { BlobHash, BlobInput, EffectWrite, NewEvent, SessionId, SessionSummary } from './types';

/**
 * The way back in for `sessionExport.ts`: a `savepoint-session/2` document checked whole (its form,
 * every content against its hash, every hash its events name) before anything is written, then
 * written as one new session in one commit. A session that was running when it was exported comes
 * in interrupted (the process that ran it is not here); contents listed as missing stay missing. A
 * call approved where it was exported and not run is asked about again (`askedAgainOnImport`).
 */

export type ImportErrorCode = 'INVALID' | 'EXISTS';

export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message);
  }

  static is(e: unknown, code?: ImportErrorCode): e is ImportError {
    return e instanceof ImportError && (code === undefined || e.code === code);
  }
}

/**
 * The form of a whole export, made at the first import: built at load, its schemas were a large
 * part of the start-up of the extension, which imports sessions rarely.
 */
function documentSchema() {
  const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'not a content hash');
  const count = z.number().int().nonnegative();
  const stamped = z.strictObject({ at: z.number(), data: z.unknown() });

  const Session = z.looseObject({
    id: z.string().refine(isValidSessionId, 'not a session id'),
    title: z.string(),
    status: z.enum(['running', 'waiting', 'paused', 'interrupted', 'completed', 'failed']),
    createdAt: z.number().nonnegative(),
    updatedAt: z.number(),
    stepCount: count,
    headSeq: count,
    snapshotSeq: count,
    tokens: z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative(), cacheRead: z.number().nonnegative(), cacheWrite: z.number().nonnegative() }),
    costUsd: z.number().nonnegative(),
    pendingApproval: z.strictObject({ id: z.string(), tool: z.string(), summary: z.string(), requestedAt: z.number(), held: z.literal(true).optional() }).nullable(),
    pinned: z.boolean(),
    parent: z.strictObject({ sessionId: z.string().refine(isValidSessionId, 'not a session id'), seq: count, step: count.optional() }).nullable(),
    sizeBytes: z.number().nonnegative(),
  });

  return z.strictObject({
    format: z.literal(EXPORT_FORMAT),
    exportedAt: z.string(),
    session: Session,
    events: z.array(z.strictObject({ seq: z.number().int().positive(), at: z.number(), step: count, type: z.string().min(1), data: z.unknown() })),
    effects: z.array(
      z
        .strictObject({ step: count, actionId: z.string().refine(isValidActionId, 'not an action id'), intent: stamped.optional(), result: stamped.optional() })
        .refine((e) => e.intent !== undefined || e.result !== undefined, 'an effect record with neither intent nor result'),
    ),
    blobs: z.record(hex64, z.strictObject({ encoding: z.enum(['utf8', 'base64']), data: z.string() })),
    missing: z.array(z.strictObject({ hash: hex64, reason: z.string() })),
  });
}
let document: ReturnType<typeof documentSchema> | undefined;

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

const where = (path: readonly PropertyKey[]): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

/**
 * The text of an export file's bytes: UTF-8 (as Savepoint writes it), with or without a byte order
 * mark, or UTF-16 with one (what Windows PowerShell's `savepoint export ID > file` writes).
 */
export function exportText(bytes: Uint8Array): string {
  const [a, b] = bytes;
  try {
    if (a === 0xff && b === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
    if (a === 0xfe && b === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
    // The decoder drops a UTF-8 mark.
    return new TextDecoder('utf-8').decode(bytes);
  } catch (e) {
    // The document is parsed as one string, and a string holds at most this many characters.
    if (errCode(e) !== 'ERR_STRING_TOO_LONG') throw e;
    throw new ImportError('INVALID', `the export is too large to import (${Math.round(bytes.length / 1e6)} MB): Savepoint reads an export as one text, at most ${MAX_STRING_LENGTH.toLocaleString('en-US')} characters`);
  }
}

/** The document as JSON text, checked: its form only (see `importSession` for the rest). */
export function parseExport(text: string): SessionExport {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new ImportError('INVALID', `not a session export: it is not JSON (${(e as Error).message})`);
  }
  return checkedForm(value);
}

function checkedForm(value: unknown): SessionExport {
  const format = (value as { format?: unknown } | null)?.format;
  // What Export Session wrote before the contents were carried: nothing to rebuild the conversation from.
  if (format === 'savepoint-session/1') throw new ImportError('INVALID', "an export by an earlier Savepoint (savepoint-session/1) holds the events only, without the conversation and the files' versions: it cannot be imported; export the session again with this version");
  if (format !== EXPORT_FORMAT) throw new ImportError('INVALID', `not a session export Savepoint can read: its format is ${JSON.stringify(format) ?? 'not given'}, not "${EXPORT_FORMAT}"`);
  const r = (document ??= documentSchema()).safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ImportError('INVALID', `the session export is damaged at ${first ? `${where(first.path) || 'its top'}: ${first.message}` : 'an unknown place'}`);
  }
  return r.data as SessionExport;
}

/** Each content's bytes, checked against its hash; the first that does not match refuses the import. */
function contents(doc: SessionExport): Map<BlobHash, Uint8Array> {
  const out = new Map<BlobHash, Uint8Array>();
  for (const [hash, b] of Object.entries(doc.blobs)) {
    const bytes = b.encoding === 'utf8' ? Buffer.from(b.data, 'utf8') : Buffer.from(b.data, 'base64');
    if (b.encoding === 'base64' && bytes.toString('base64') !== b.data) throw new ImportError('INVALID', `the session export is damaged: content ${hash} is not valid base64`);
    if (hashBlob(bytes) !== hash) throw new ImportError('INVALID', `the session export is damaged: content ${hash} does not match its hash (changed after the export?)`);
    out.set(hash as BlobHash, bytes);
  }
  return out;
}

/** Every hash the events and effects name is carried or listed as missing; the journal is numbered 1, 2, 3… */
function checkJournal(doc: SessionExport): void {
  doc.events.forEach((e, i) => {
    if (e.seq !== i + 1) throw new ImportError('INVALID', `the session export is damaged at events[${i}]: its seq is ${e.seq}, not ${i + 1}`);
  });
  const missing = new Set(doc.missing.map((m) => m.hash));
  for (const h of missing) if (h in doc.blobs) throw new ImportError('INVALID', `the session export is damaged: content ${h} is both carried and listed as missing`);
  const check = (value: unknown, what: string) => {
    const named = new Set<string>();
    collectHashes(value, named);
    for (const h of named) if (!(h in doc.blobs) && !missing.has(h)) throw new ImportError('INVALID', `the session export is damaged: ${what} names content ${h}, which it neither carries nor lists as missing`);
  };
  doc.events.forEach((e) => check(e.data, `event ${e.seq}`));
  doc.effects.forEach((e) => check(e, `the effect record ${e.actionId} of step ${e.step}`));
}

/**
 * The events and effects with the old id replaced by the new one, wherever a string holds it. An id
 * this short could also be part of other words (a file name, a message): replacing it there would
 * change what was recorded, so such an import is refused instead.
 */
function renamed<T>(value: T, from: string, to: string): T {
  const text = JSON.stringify(value);
  return text.includes(from) ? (JSON.parse(text.split(from).join(to)) as T) : value;
}

function checkRenamable(doc: SessionExport): void {
  const from = doc.session.id;
  if (from.length >= 16 || !JSON.stringify([doc.events, doc.effects]).includes(from)) return;
  throw new ImportError('INVALID', `the session's id ${from} is too short to be replaced safely in its records (it could be part of other words): import it without a new id, into a workspace that does not have it`);
}

export interface ImportOptions {
  /** Import under a fresh id (the store's), even when the session is not in the store yet. */
  asNew?: boolean;
  now?: () => number;
}

export interface ImportResult {
  session: SessionSummary;
  /** The id in the export (the session's id unless `asNew`). */
  from: SessionId;
  events: number;
  blobs: number;
  missing: number;
  /** It was running when it was exported: it came in interrupted. */
  wasRunning: boolean;
  /** Approvals given where it was exported for calls not run yet: asked again here. */
  askedAgain: number;
}

/**
 * Writes the exported session into `store`: nothing at all when anything is wrong with it (an
 * ImportError names the first thing), or when the session is there already without `asNew` (EXISTS).
 */
export async function importSession(store: CheckpointStore, value: unknown, options: ImportOptions = {}): Promise<ImportResult> {
  const doc = checkedForm(value);
  const bytes = contents(doc);
  checkJournal(doc);
  const s = doc.session;
  const from = s.id;
  if (options.asNew) checkRenamable(doc);
  const here = options.asNew ? undefined : await store.getSession(from);
  if (here && here.headSeq > 0) throw new ImportError('EXISTS', `session ${from} ("${s.title}") is in this workspace already; nothing was imported`);
  // A row without a single record: an import a crash cut between its two writes (nothing to lose), done again.
  if (here) await store.deleteSession(from, 'an import cut short, imported again');
  const wasRunning = s.status === 'running';
  const status = wasRunning ? 'interrupted' : s.status;
  // Created when it was created where it was exported (the time of the import is the last change's).
  const created = await store.createSession({ title: s.title, status, pinned: s.pinned, parent: s.parent, createdAt: s.createdAt, ...(options.asNew ? {} : { id: from }) });
  const to = created.id;
  try {
    const events: NewEvent[] = doc.events.map((e) => ({ step: e.step, type: e.type, data: renamed(e.data, from, to), at: e.at }));
    const last = doc.events[doc.events.length - 1];
    const now = (options.now ?? Date.now)();
    if (wasRunning) events.push({ step: last?.step ?? 0, type: 'status', data: { status: 'interrupted', reason: 'imported while it was running: the process that ran it is not here' }, at: now });
    const again = askedAgainOnImport(events, events.length + 1, now);
    for (const e of again?.events ?? []) events.push({ step: last?.step ?? 0, type: e.type, data: e.data, at: now });
    const effects: EffectWrite[] = renamed(doc.effects, from, to).flatMap((e) => [
      ...(e.intent ? [{ step: e.step, actionId: e.actionId, phase: 'intent' as const, data: e.intent.data, at: e.intent.at }] : []),
      ...(e.result ? [{ step: e.step, actionId: e.actionId, phase: 'result' as const, data: e.result.data, at: e.result.at }] : []),
    ]);
    const blobs: BlobInput[] = [...bytes].map(([hash, content]) => ({ content, hash }));
    const done = await store.commit({
      sessionId: to,
      expectedHeadSeq: 0,
      events,
      effects,
      blobs,
      summary: { title: s.title, status: again?.status ?? status, stepCount: s.stepCount, tokens: s.tokens, costUsd: s.costUsd, pendingApproval: again ? again.pendingApproval : s.pendingApproval, pinned: s.pinned },
    });
    return { session: done.summary, from, events: doc.events.length, blobs: bytes.size, missing: doc.missing.length, wasRunning, askedAgain: again?.events.length ?? 0 };
  } catch (e) {
    // The one commit failed (the disk, the store): the empty session made for it goes too.
    await store.deleteSession(to, 'its import failed').catch(() => undefined);
    throw e;
  }
}

/**
 * What an import brought in, for the words said after it (the CLI and the editor): its counts, the
 * contents kept by hash only, and what it changed of the session's state (interrupted; approvals
 * asked again). Each part after the first starts with '; '.
 */
export function importedWords(r: ImportResult): string {
  const gone = r.missing ? `; ${counted(r.missing, 'content was', 'contents were')} recorded by hash only, as in the export` : '';
  const running = r.wasRunning ? '; it was running when it was exported: marked interrupted' : '';
  const again = r.askedAgain ? `; ${counted(r.askedAgain, 'call approved where it was exported is', 'calls approved where it was exported are')} asked about again here before it runs` : '';
  return `${counted(r.events, 'event')}, ${counted(r.blobs, 'stored content')}${gone}${running}${again}`;
}
