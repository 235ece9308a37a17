import { z } from 'zod';
import type { Outline, SymbolInfo } from './outlineTypes';

/**
 * The stored form of one file version's outline (the checkpoint's "AST snapshot"): a blob of
 * canonical JSON, so that the same outline is stored once and the next version of the file is
 * kept as a small delta against it. Symbols are rows, not objects: an outline of a few hundred
 * symbols stays a few KB.
 *   {"v":1,"language":"typescript","syntaxErrors":false,"symbols":[[name,kind,start,end,hash,bodyHash],...]}
 * plus `parseError` or `skipped` when the file was not parsed (the failure is recorded, not lost).
 * The version is of the record's shape, not of how hashes are computed: stored hashes are shown,
 * never compared, since every symbol delta outlines both file versions again from their bytes. A
 * change to the hashing needs no new version (an old step's outline just keeps its old hashes).
 */
export const OUTLINE_RECORD_VERSION = 1;

/** The record's form, made at the first read : built at load, it was a large part of the start-up of the extension. */
function recordSchema() {
  const Row = z.tuple([z.string(), z.string(), z.number().int().nonnegative(), z.number().int().nonnegative(), z.string(), z.string()]);
  return z.object({
    v: z.literal(OUTLINE_RECORD_VERSION),
    language: z.string().nullable(),
    syntaxErrors: z.boolean(),
    parseError: z.string().optional(),
    skipped: z.literal('tooLarge').optional(),
    symbols: z.array(Row),
  });
}
let record: ReturnType<typeof recordSchema> | undefined;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeOutline(o: Outline): Uint8Array {
  const record = {
    v: OUTLINE_RECORD_VERSION,
    language: o.language,
    syntaxErrors: o.hasSyntaxErrors,
    ...(o.parseError !== undefined ? { parseError: o.parseError } : {}),
    ...(o.skipped !== undefined ? { skipped: o.skipped } : {}),
    symbols: o.symbols.map((s) => [s.name, s.kind, s.startLine, s.endLine, s.hash, s.bodyHash]),
  };
  return encoder.encode(JSON.stringify(record));
}

/** Reads a stored outline; throws an Error that says what is wrong with a record it cannot read. */
export function decodeOutline(bytes: Uint8Array): Outline {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new Error(`the stored outline is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = (record ??= recordSchema()).safeParse(raw);
  if (!parsed.success) {
    const v = (raw as { v?: unknown } | null)?.v;
    if (typeof v === 'number' && v > OUTLINE_RECORD_VERSION) throw new Error(`the stored outline is of format ${v}, newer than this Savepoint (${OUTLINE_RECORD_VERSION})`);
    throw new Error(`the stored outline is not valid: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`);
  }
  const r = parsed.data;
  const symbols = r.symbols.map(([name, kind, startLine, endLine, hash, bodyHash]): SymbolInfo => ({ name, kind, startLine, endLine, hash, bodyHash }));
  return {
    language: r.language,
    symbols,
    hasSyntaxErrors: r.syntaxErrors,
    ...(r.parseError !== undefined ? { parseError: r.parseError } : {}),
    ...(r.skipped !== undefined ? { skipped: r.skipped } : {}),
  };
}
