import { createHash } from 'node:crypto';
import type { FileChange, FileVersion } from '../ports/changeCapture';

/** What the capture knows of one side (before or after) of a path. */
export interface Side extends FileVersion {
  binary: boolean;
  /** The bytes, when the side is a file within the size limit (text or binary) and they are at hand. */
  bytes?: Uint8Array;
}

/** A path whose state at `begin()` and at `end()` the capture compared. */
export interface Comparison {
  path: string;
  before: Side | undefined;
  after: Side | undefined;
}

/**
 * The hash of a symlink's version: of its text behind a prefix no text file starts with, so that a
 * link never has the hash of a file holding its target's name (nor of its target's contents).
 */
export const linkHash = (to: string): string => createHash('sha256').update(`\0symlink\0${to}`).digest('hex');

/** git's binary test: a NUL byte in the first 8,000 bytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).indexOf(0) !== -1;
}

const version = (s: Side | undefined): FileVersion | null =>
  s ? { hash: s.hash, size: s.size, ...(s.exec ? { exec: true as const } : {}), ...(s.mode !== undefined ? { mode: s.mode } : {}), ...(s.link !== undefined ? { link: s.link } : {}) } : null;

function change(path: string, before: Side | undefined, after: Side | undefined, maxBytes: number, from?: string): FileChange {
  const kind = from !== undefined ? 'renamed' : !before ? 'created' : !after ? 'deleted' : 'modified';
  const c: FileChange = {
    path,
    kind,
    before: version(before),
    after: version(after),
    binary: Boolean(before?.binary || after?.binary),
    tooLarge: (before?.size ?? 0) > maxBytes || (after?.size ?? 0) > maxBytes,
  };
  if (from !== undefined) c.from = from;
  if (after?.bytes && !after.binary && after.size <= maxBytes) c.afterBytes = after.bytes;
  // A link side holds no bytes: it is its text.
  else if (after && !after.binary && after.link === undefined && after.size <= maxBytes) c.afterUnkept = true;
  // A binary file's old bytes too: a rewind restores them; its diff stays hash-only (no after bytes).
  if (before?.bytes && before.size <= maxBytes) c.beforeBytes = before.bytes;
  if (kind === 'renamed' && !c.beforeBytes && c.afterBytes) c.beforeBytes = c.afterBytes;
  return c;
}

/** Whether both sides agree on the execute bit. */
export const sameExec = (a: Side, b: Side): boolean => (a.exec === true) === (b.exec === true);

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * The change set of a capture: unchanged paths dropped, and each deleted file paired with a created
 * file of the same (non-empty) content into a rename, preferring one with the same file name, then
 * path order. Empty files are never paired, as in git, nor symlinks (a link moved is one deleted and
 * one created: each is made or removed as an entry). Sorted by path.
 */
export function buildChanges(comparisons: readonly Comparison[], maxBytes: number): FileChange[] {
  const deleted: Comparison[] = [];
  const created = new Map<string, Comparison[]>();
  const out: FileChange[] = [];
  const sorted = [...comparisons].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const c of sorted) {
    if (c.before && c.after) {
      // A mode-only change (chmod +x) counts: a rewind re-creating the file must know its bit.
      if (c.before.hash !== c.after.hash || !sameExec(c.before, c.after)) out.push(change(c.path, c.before, c.after, maxBytes));
    } else if (c.before) {
      deleted.push(c);
    } else if (c.after) {
      const list = created.get(c.after.hash) ?? [];
      list.push(c);
      created.set(c.after.hash, list);
    }
  }
  for (const d of deleted) {
    const before = d.before as Side;
    const candidates = before.size > 0 && before.link === undefined ? created.get(before.hash) : undefined;
    const pick = candidates?.find((c) => baseName(c.path) === baseName(d.path)) ?? candidates?.[0];
    if (!pick || !candidates) {
      out.push(change(d.path, before, undefined, maxBytes));
      continue;
    }
    candidates.splice(candidates.indexOf(pick), 1);
    out.push(change(pick.path, before, pick.after, maxBytes, d.path));
  }
  for (const list of created.values()) for (const c of list) out.push(change(c.path, undefined, c.after, maxBytes));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
