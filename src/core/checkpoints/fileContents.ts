import { createTwoFilesPatch } from 'diff';
import { linkHash } from '../capture/changeSet';
import type { Workspace } from '../ports/workspace';
import { hashBytes } from '../runner/sessionJournal';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash } from '../store/types';
import { filePath } from '../util/filePath';
import { lineDiffLimits } from './merge3';

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

/**
 * Paths of the session that are one file now (a symlink and its target, such as CLAUDE.md ->
 * AGENTS.md), each mapped to the target's path. Sessions recorded the link's path for a file tool's
 * edit and the target's for a command's, two histories of one file. Only paths whose disk contents
 * are the same as another's are resolved, so a session without links pays nothing.
 */
export async function aliasNames(workspace: Workspace, disk: readonly { path: string; hash: BlobHash | null }[]): Promise<Map<string, string>> {
  const byHash = new Map<BlobHash, string[]>();
  for (const d of disk) if (d.hash !== null) byHash.set(d.hash, [...(byHash.get(d.hash) ?? []), d.path]);
  const names = new Map<string, string>();
  for (const paths of byHash.values()) {
    if (paths.length < 2) continue;
    const real = await Promise.all(paths.map((p) => filePath(workspace, p).catch(() => p)));
    const counts = new Map<string, number>();
    for (const r of real) counts.set(r, (counts.get(r) ?? 0) + 1);
    paths.forEach((p, i) => {
      const r = real[i] as string;
      if (r !== p && (counts.get(r) ?? 0) > 1) names.set(p, r);
    });
  }
  return names;
}

/** Contents of several hashes (null: absent file), in one store read. */
export function blobsOf(store: CheckpointStore, hashes: readonly (BlobHash | null)[]): Promise<(Uint8Array | undefined)[]> {
  return eachOnce(hashes, (wanted) => store.getBlobs(wanted));
}

/** `read` asked each distinct hash once, its answers given back in the order of `hashes` (undefined for null). */
async function eachOnce(hashes: readonly (BlobHash | null)[], read: (wanted: BlobHash[]) => Promise<(Uint8Array | undefined)[]>): Promise<(Uint8Array | undefined)[]> {
  const wanted = [...new Set(hashes.filter((h): h is BlobHash => h !== null))];
  const got = await read(wanted);
  const byHash = new Map(wanted.map((h, i) => [h, got[i]]));
  return hashes.map((h) => (h === null ? undefined : byHash.get(h)));
}

/**
 * The contents of each hash the store has (null: none asked), and whether it has it: a version kept
 * by hash only is not there. One batch where the store can tell (`findBlobs`).
 */
export async function storedContents(store: CheckpointStore, hashes: readonly (BlobHash | null)[]): Promise<{ kept: boolean[]; stored: (Uint8Array | undefined)[] }> {
  const find = store.findBlobs?.bind(store);
  if (!find) {
    const kept = await Promise.all(hashes.map((h) => (h === null ? true : store.hasBlob(h))));
    return { kept, stored: await blobsOf(store, hashes.map((h, i) => (kept[i] ? h : null))) };
  }
  const stored = await eachOnce(hashes, find);
  return { kept: hashes.map((h, i) => h === null || stored[i] !== undefined), stored };
}

// A BOM is kept (a change adding or removing one is a change), and invalid bytes are not made one U+FFFD each.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Both sides as text for a line diff, and a note when they are not both UTF-8: then byte for byte as
 * Latin-1, so that a change of a letter in a Windows-1252 file shows on its line (as UTF-8, every
 * invalid byte decoded to the same U+FFFD, and such a change showed as a diff with no lines).
 */
export function textSides(a: Uint8Array | undefined, b: Uint8Array | undefined): { before: string; after: string; note: string } {
  try {
    return { before: a ? utf8.decode(a) : '', after: b ? utf8.decode(b) : '', note: '' };
  } catch {
    const latin1 = (x: Uint8Array | undefined) => (x ? Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('latin1') : '');
    return { before: latin1(a), after: latin1(b), note: 'not valid UTF-8: shown byte for byte as Latin-1' };
  }
}

/**
 * One version as a read-only editor shows it: UTF-8 with its BOM kept, otherwise byte for byte as
 * Latin-1 (as `textSides` does), so that two versions that differ never look alike. No note line is
 * added: a line number in the version (a symbol's) stays that line.
 */
export const editorText = (bytes: Uint8Array): string => textSides(bytes, undefined).before;

const isBinary = (b: Uint8Array | undefined): boolean => b !== undefined && b.subarray(0, 8000).includes(0);

export const DEFAULT_MAX_DIFF_CHARS = 4_000;
/** Cap of a whole note of such diffs told to the model (drift, outside changes merged in). */
export const DEFAULT_MAX_NOTE_CHARS = 12_000;

/** Lines of a text as a line diff counts them (a last line without a newline counts). */
export const lineCount = (t: string): number => (t === '' ? 0 : (t.match(/\n/g)?.length ?? 0) + (t.endsWith('\n') ? 0 : 1));

/**
 * A unified diff from `a` to `b` (undefined: absent), cut at `maxChars`; binary contents are named,
 * not shown. When too many lines differ for a line diff in bounded time (see `lineDiffLimits`), a
 * short note with both sizes instead; when only the line endings changed, a note saying so; when
 * they were converted and lines changed too, the diff of the lines without them, with that note.
 */
export function boundedDiff(path: string, a: Uint8Array | undefined, b: Uint8Array | undefined, maxChars = DEFAULT_MAX_DIFF_CHARS): string {
  // A write of the contents the file had: no diff has lines for it, and a binary one does not differ.
  if (a && b && a.length === b.length && Buffer.compare(a, b) === 0) return `${path}: the contents are the same (${a.length} bytes); nothing changed\n`;
  // An empty file made or removed has no line to show: a bare diff header would not say what happened.
  if (!a && b?.length === 0) return `${path}: created, empty\n`;
  if (!b && a?.length === 0) return `${path}: deleted (it was empty)\n`;
  if (isBinary(a) || isBinary(b)) return `Binary file ${path} differs (${a?.length ?? 0} -> ${b?.length ?? 0} bytes)\n`;
  const sides = textSides(a, b);
  const { note } = sides;
  const eol = eolNote(sides.before, sides.after) || bomNote(sides.before, sides.after);
  // Line endings converted as well as lines changed: every line would show as taken out and put back
  // the same, the real change lost among them (and cut off). The lines are compared without them.
  const converted = eol ? '' : eolConverted(sides.before, sides.after);
  const [before, after] = converted ? [toLf(sides.before), toLf(sides.after)] : [sides.before, sides.after];
  const [linesBefore, linesAfter] = [lineCount(before), lineCount(after)];
  const patch = createTwoFilesPatch(a ? `a/${path}` : '/dev/null', b ? `b/${path}` : '/dev/null', before, after, undefined, undefined, { context: 3, ...lineDiffLimits(linesBefore, linesAfter) });
  const remark = eol || converted;
  if (patch === undefined) return `${path}: too many lines differ to show a line diff (${linesBefore} lines, ${a?.length ?? 0} bytes -> ${linesAfter} lines, ${b?.length ?? 0} bytes)${remark ? `; ${remark}` : ''}${note ? `; ${note}` : ''}\n`;
  // Such a diff takes every line out and puts it back looking the same: say what happened instead.
  if (eol) return `${path}: ${eol}; the text is the same\n`;
  const notes = [...(converted ? [`${converted}; the diff below leaves them out`] : []), ...(note ? [note] : [])];
  const shown = notes.length ? `${path}: ${notes.join('; ')}\n${patch}` : patch;
  return shown.length > maxChars ? `${shown.slice(0, maxChars)}\n... (diff cut at ${maxChars} of ${shown.length} characters)\n` : shown;
}

const toLf = (t: string): string => t.replace(/\r\n/g, '\n');

/** Line endings converted (by an editor or a formatter) change every line: say so, since no diff shows it. */
function eolNote(before: string, after: string): string {
  const lf = toLf;
  if (before === after || lf(before) !== lf(after)) return '';
  const now = !after.includes('\r\n') ? ' (now LF)' : !before.includes('\r\n') ? ' (now CRLF)' : '';
  return `only the line endings changed${now}`;
}

/** One side all CRLF, the other all LF (converted), with other changes too: the remark, or '' when not so. */
function eolConverted(before: string, after: string): string {
  const crlf = (t: string) => t.includes('\r\n');
  const lfOnly = (t: string) => /(^|[^\r])\n/.test(t);
  if (before === '' || after === '' || crlf(before) === crlf(after)) return '';
  const [from, to] = crlf(after) ? [before, after] : [after, before];
  // Mixed endings on the CRLF side (a bare LF line) are not a conversion: those lines differ, as they show.
  if (lfOnly(to) || !lfOnly(from)) return '';
  return `the line endings changed too (now ${crlf(after) ? 'CRLF' : 'LF'})`;
}

/** A byte order mark added or removed, alone: the lines look the same, so say so. */
function bomNote(before: string, after: string): string {
  const strip = (t: string) => (t.startsWith('\uFEFF') ? t.slice(1) : t);
  if (before === after || strip(before) !== strip(after)) return '';
  return `only a byte order mark was ${after.startsWith('\uFEFF') ? 'added' : 'removed'}`;
}

/** The hash the change capture sees at a path a rewind writes: a symlink's own (`linkHash`, never what it leads to), else the contents'. */
export const writtenHash = (f: { toHash: BlobHash | null; toLink?: string }): BlobHash | null => (f.toLink !== undefined ? (linkHash(f.toLink) as BlobHash) : f.toHash);
