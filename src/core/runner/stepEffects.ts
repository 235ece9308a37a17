import { encodeOutline } from '../code/outlineRecord';
import type { Outline } from '../code/outlineTypes';
import { describeDelta, symbolDelta } from '../code/symbolDelta';
import type { FileChangeSet } from '../ports/changeCapture';
import { hashBlob } from '../store/blobFormat';
import type { BlobHash, BlobInput } from '../store/types';
import { linkNote } from '../../shared/linkNote';
import type { OutlineRef, SideEffect } from './runEvents';

/** What the runner needs of a symbol outliner (AstOutliner implements it). */
export interface Outliner {
  outline(path: string, text: string): Outline;
  /** An outliner that loads in the background: resolves once `outline` can answer (the runner waits before a step's symbols). */
  ready?(): Promise<void>;
  /** Whether `path` is in a language it reads (files it does not read are not decoded nor counted). Default: all. */
  supports?(path: string): boolean;
}

export interface FileVersions {
  path: string;
  /** A file moved: the path `before` was at (its language is read from that name). */
  from?: string;
  before: Uint8Array | null | undefined;
  after: Uint8Array | null | undefined;
}

const MAX_SYMBOL_LINES = 40;
/** A step that changes more files than this (a formatter over the tree) has the first ones outlined, and says so. */
export const MAX_OUTLINED_FILES = 500;
/** Outlining yields to the event loop after this much work in one go. */
const YIELD_AFTER_MS = 16;
const decoder = new TextDecoder();

/** The journal form of a capture: hashes per file, plus the contents known, as blobs. */
export function fromCapture(set: FileChangeSet): { effects: SideEffect[]; blobs: BlobInput[]; files: FileVersions[] } {
  const effects: SideEffect[] = [];
  const blobs: BlobInput[] = [];
  const files: FileVersions[] = [];
  for (const c of set.changes) {
    // A link side holds no contents: it is its text, never a version kept by hash only.
    const [bl, al] = [c.before?.link, c.after?.link];
    const hashOnly = c.binary || c.tooLarge || c.afterUnkept || (c.before && !c.beforeBytes && bl === undefined);
    effects.push({
      path: c.path,
      kind: c.kind,
      ...(c.from ? { from: c.from } : {}),
      beforeHash: c.before?.hash ?? null,
      afterHash: c.after?.hash ?? null,
      ...(c.binary ? { binary: true } : {}),
      ...(c.tooLarge ? { tooLarge: true } : {}),
      ...(c.before && !c.beforeBytes && !c.tooLarge && bl === undefined ? { unkept: true as const } : {}),
      ...(c.afterUnkept ? { afterUnkept: true as const } : {}),
      ...(hashOnly && c.before ? { beforeSize: c.before.size } : {}),
      ...(hashOnly && c.after ? { afterSize: c.after.size } : {}),
      ...(bl !== undefined ? { beforeLink: bl } : {}),
      ...(al !== undefined ? { afterLink: al } : {}),
      ...(c.before?.exec ? { beforeExec: true } : {}),
      ...(c.after?.exec ? { afterExec: true } : {}),
      // A file a link replaces goes too: its bits come back with it.
      ...((c.kind === 'deleted' || c.kind === 'renamed' || (al !== undefined && bl === undefined)) && c.before?.mode !== undefined ? { beforeMode: c.before.mode } : {}),
      modes: true,
    });
    if (c.beforeBytes) blobs.push({ content: c.beforeBytes });
    if (c.afterBytes) blobs.push({ content: c.afterBytes, ...(c.beforeBytes && c.before ? { deltaBase: c.before.hash as BlobHash } : {}) });
    // A side that does not exist, or is a symlink (no symbols of its own), is null; one whose bytes are not known is undefined (no symbols then).
    if (!c.binary) files.push({ path: c.path, ...(c.from ? { from: c.from } : {}), before: c.before === null || bl !== undefined ? null : c.beforeBytes, after: c.after === null || al !== undefined ? null : c.afterBytes });
  }
  return { effects, blobs, files };
}

/** A step's symbols: the lines in words, and the outline of each changed file as it is after the step. */
export interface SymbolSnapshot {
  lines: string[];
  /** One per file the step left in a supported language (deleted files have none). */
  outlines: OutlineRef[];
  /** The outline records referenced by `outlines`, each a delta against the file's outline before the step when that is stored. */
  blobs: BlobInput[];
}

/**
 * The symbols of the files a step changed: "changed function `parse` in src/a.ts" lines, and the
 * outline (symbols with their hashes) of every file version the step left, stored as a blob. A file
 * whose symbols could not be read gets a line saying so, and its outline records why (never fatal:
 * the file stays recorded by its hashes); a file the step left with syntax errors says that its
 * symbols are best effort.
 */
export async function symbolSnapshot(outliner: Outliner | undefined, files: readonly FileVersions[]): Promise<SymbolSnapshot> {
  const snap: SymbolSnapshot = { lines: [], outlines: [], blobs: [] };
  if (!outliner) return snap;
  const perFile: { path: string; lines: readonly string[] }[] = [];
  let notRead: string | undefined;
  // Only files in a language the outliner reads count (and are decoded): a step of 500 .md files leaves the .ts ones their outline.
  const outlinable = files.filter((f) => f.after !== undefined && (readable(outliner, f.path) || (f.from !== undefined && readable(outliner, f.from))));
  let since = performance.now();
  for (const [i, f] of outlinable.entries()) {
    if (i === MAX_OUTLINED_FILES) {
      notRead = `symbols of ${outlinable.length - i} more files not read: the step changed more than ${MAX_OUTLINED_FILES} files`;
      break;
    }
    // Parsing is synchronous (a few ms per file): a step that changed many files lets the editor breathe between them.
    if (performance.now() - since > YIELD_AFTER_MS) {
      await new Promise<void>((r) => setImmediate(r));
      since = performance.now();
    }
    const { before, after, lines: fileLines } = fileSymbols(outliner, f);
    if (f.after && after?.language != null) {
      const content = encodeOutline(after);
      const hash = hashBlob(content);
      snap.blobs.push({ content, hash, ...(before?.language != null ? { deltaBase: hashBlob(encodeOutline(before)) } : {}) });
      snap.outlines.push({ path: f.path, file: hashBlob(f.after), outline: hash, symbols: after.symbols.length });
    }
    if (fileLines.length) perFile.push({ path: f.path, lines: fileLines });
  }
  snap.lines = cappedLines(perFile, notRead === undefined ? MAX_SYMBOL_LINES : MAX_SYMBOL_LINES - 1);
  if (notRead !== undefined) snap.lines.push(notRead);
  return snap;
}

/**
 * At most `max` lines, in file order. When there are more, each file keeps a share (taken in turns,
 * a line each), so that one file with many changes does not hide every other file's, and the last
 * line says how many were left out and where.
 */
export function cappedLines(perFile: readonly { path: string; lines: readonly string[] }[], max: number): string[] {
  const total = perFile.reduce((n, f) => n + f.lines.length, 0);
  if (total <= max) return perFile.flatMap((f) => f.lines);
  const keep = perFile.map(() => 0);
  for (let left = max - 1; left > 0; ) {
    for (const [i, f] of perFile.entries()) {
      if (left > 0 && (keep[i] as number) < f.lines.length) {
        keep[i] = (keep[i] as number) + 1;
        left--;
      }
    }
  }
  const cut = perFile.filter((f, i) => keep[i] !== f.lines.length).map((f) => f.path);
  const where = cut.length === 1 ? cut[0] : `${cut[0]} and ${cut.length - 1} more ${cut.length === 2 ? 'file' : 'files'}`;
  const omitted = total - (max - 1);
  return [...perFile.flatMap((f, i) => f.lines.slice(0, keep[i])), `… and ${omitted} more symbol ${omitted === 1 ? 'change' : 'changes'} in ${where}`];
}

/**
 * One file's outlines on both sides (`before` undefined: that version is not known; null: the file
 * did not exist) and its lines: the symbol changes, or why they could not be read. No outlines and
 * no lines for a file in a language the outliner does not read. Never throws.
 */
export function fileSymbols(outliner: Outliner, f: FileVersions): { before?: Outline | null; after?: Outline | null; lines: string[] } {
  const from = f.from ?? f.path;
  const reads = { before: readable(outliner, from), after: readable(outliner, f.path) };
  if (f.after === undefined || (!reads.before && !reads.after)) return { lines: [] };
  // A file moved to or from a name in a language not read is, for its symbols, deleted or created.
  const fromSide = reads.before ? f.before : null;
  const toSide = reads.after ? f.after : null;
  try {
    const before = fromSide ? outliner.outline(from, decoder.decode(fromSide)) : fromSide;
    const after = toSide ? outliner.outline(f.path, decoder.decode(toSide)) : null;
    if ((before ?? after)?.language == null) return { lines: [] };
    const unread = [before, after].find((o) => o && (o.parseError !== undefined || o.skipped !== undefined));
    if (unread) return { before, after, lines: [`symbols of ${f.path} not read: ${unread.skipped === 'tooLarge' ? 'too large to parse' : `parse failed (${unread.parseError})`}`] };
    if (before === undefined) return { before, after, lines: [`symbols of ${f.path} before the step not known (its earlier contents were not kept): its outline after is recorded`] };
    // Symbols that went with a file moved out of the languages read are named where they were.
    const lines = describeDelta(after === null && f.from !== undefined ? from : f.path, symbolDelta(before, after));
    if (after?.hasSyntaxErrors && !before?.hasSyntaxErrors) lines.push(`${f.path} now has syntax errors: its symbols are read as far as the parser recovers`);
    return { before, after, lines };
  } catch (e) {
    return { lines: [`symbols of ${f.path} not read: ${e instanceof Error ? e.message : String(e)}`] };
  }
}

const readable = (outliner: Outliner, path: string) => outliner.supports?.(path) ?? true;

/** The lines of `symbolSnapshot` alone. */
export async function symbolLines(outliner: Outliner | undefined, files: readonly FileVersions[]): Promise<string[]> {
  return (await symbolSnapshot(outliner, files)).lines;
}

/** One line for the model: what a command changed besides its output. */
export function describeSideEffects(effects: readonly SideEffect[]): string {
  return effects.length === 0 ? '' : `\n[files changed by the command: ${listEffects(effects, 30)}]`;
}

/**
 * `M a.txt, A gen/x.ts (binary), and 3 more`: the changes as the model reads them (git's letters);
 * `words` spells them for the user ("modified a.txt, created gen/x.ts"), who meets them in a
 * question and should not need git's status letters to read it.
 */
export function listEffects(effects: readonly SideEffect[], max = 10, words = false): string {
  const letter = words ? ({ created: 'created', modified: 'modified', deleted: 'deleted', renamed: 'renamed' } as const) : ({ created: 'A', modified: 'M', deleted: 'D', renamed: 'R' } as const);
  const shown = effects.slice(0, max).map((e) => {
    const link = linkNote(e.kind, e);
    return `${letter[e.kind]} ${e.from ? `${e.from} -> ` : ''}${e.path}${e.binary ? ' (binary)' : ''}${link !== undefined ? ` (${link})` : ''}`;
  });
  return `${shown.join(', ')}${effects.length > max ? `, and ${effects.length - max} more` : ''}`;
}

/** A snapshot's symbol lines, each on a line of its own after a result (none: nothing). */
export const withSymbols = (s: SymbolSnapshot): string => (s.lines.length ? `\n${s.lines.join('\n')}` : '');
