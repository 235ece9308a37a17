import { diffArrays } from 'diff';

/**
 * Line-based three-way merge (diff3) for an edit whose base changed under it: `ours` is the
 * session's version, `theirs` the disk now, both derived from `base`. Changes to separate regions
 * combine; a region both sides changed differently is a conflict. Changes to adjacent lines are one
 * region, and a change inside a run of equal lines covers the whole run, where the diff might as
 * well have put it: the diff's arbitrary choices make conflicts, not silent results. Pure.
 */

export interface Merge3Conflict {
  /** 0-based line range [start, end) of `base` both sides changed. */
  baseStart: number;
  baseEnd: number;
  base: string;
  ours: string;
  theirs: string;
}

export type Merge3Result =
  | { clean: true; text: string }
  | {
      clean: false;
      conflicts: Merge3Conflict[];
      /** The merge with git-style conflict markers in place of each conflict. */
      text: string;
      /** The diff gave up (too many lines differ, see `lineDiffLimits`): one conflict covers the whole file. */
      tooManyChanges?: true;
    };

/** Most lines a diff of two long texts adds plus removes before it gives up (see `lineDiffLimits`). */
export const MAX_DIFF_EDIT_LINES = 1_000;
/** Longest a diff may block the event loop before it gives up, in milliseconds. */
export const MAX_DIFF_MS = 1_000;

/**
 * Bounds for the `diff` package's line diffs of `a` lines against `b` lines; with them a diff
 * returns undefined instead of its result when it gives up. Its time grows with the number of lines
 * that differ times the shorter side's lines (at most): two versions of an 8,000-line file that
 * differ on every line (line endings converted, the file reformatted) blocked the extension host for
 * 11 s. For two long texts, a thousand changed lines is more than an ordinary edit and costs a few
 * hundred milliseconds at worst. A short side allows more in the same time (a one-line file that
 * became 5,000 lines still diffs); an empty side, all of it, as that diff is linear. The timeout
 * catches the rest (a very long file with changes all over it).
 */
export function lineDiffLimits(a: number, b: number): { maxEditLength: number; timeout: number } {
  const short = Math.min(a, b);
  const max = MAX_DIFF_EDIT_LINES;
  // The same work as `max` changes between long texts (about max * max / 2 steps): past the first
  // `short` changes, each further one costs about `short` steps.
  const edits = short === 0 ? a + b : short >= max ? max : Math.floor((max * max + short * short) / (2 * short));
  return { maxEditLength: edits, timeout: MAX_DIFF_MS };
}

interface Hunk {
  side: 'ours' | 'theirs';
  /** Base lines [start, end) are replaced by `lines`. */
  start: number;
  end: number;
  lines: string[];
  /**
   * Where else the diff could have put it: a deletion or insertion inside a run of equal lines can
   * slide along the run ([lo, hi) of base, at least [start, end)). Which line of `\n\n\n` a side
   * deleted is a choice of the diff, not a fact.
   */
  lo: number;
  hi: number;
}

export const splitLines = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/));

/** The changes from base to other, or undefined when the diff gives up (too many lines differ). */
function hunks(base: string[], other: string[], side: Hunk['side']): Hunk[] | undefined {
  const changes = diffArrays(base, other, lineDiffLimits(base.length, other.length));
  if (!changes) return undefined;
  const out: Hunk[] = [];
  let i = 0;
  let open: Omit<Hunk, 'lo' | 'hi'> | undefined;
  const close = () => {
    if (open) out.push({ ...open, ...slideRange(base, open) });
    open = undefined;
  };
  for (const c of changes) {
    if (!c.added && !c.removed) {
      close();
      i += c.value.length;
      continue;
    }
    open ??= { side, start: i, end: i, lines: [] };
    if (c.removed) {
      i += c.value.length;
      open.end = i;
    } else open.lines.push(...c.value);
  }
  close();
  return out;
}

/**
 * How far a hunk could slide up and down along equal lines of base: the lines it removes (as a
 * deletion would), and the lines it inserts (as an insertion would). A replacement gets both, so a
 * move the diff reads as "delete here, replace there" covers the run it moves along.
 */
function slideRange(base: readonly string[], h: Omit<Hunk, 'lo' | 'hi'>): { lo: number; hi: number } {
  let up = 0;
  let down = 0;
  if (h.end > h.start) {
    while (h.start - up - 1 >= 0 && base[h.start - up - 1] === base[h.end - up - 1]) up++;
    while (h.end + down < base.length && base[h.end + down] === base[h.start + down]) down++;
  }
  const n = h.lines.length;
  if (n > 0) {
    let i = 0;
    while (h.start - i - 1 >= 0 && base[h.start - i - 1] === h.lines[(((n - 1 - i) % n) + n) % n]) i++;
    let j = 0;
    while (h.end + j < base.length && base[h.end + j] === h.lines[j % n]) j++;
    up = Math.max(up, i);
    down = Math.max(down, j);
  }
  return { lo: h.start - up, hi: h.end + down };
}

/** The region [start, end) of base with one side's hunks (all inside it) applied. */
function applyIn(base: string[], start: number, end: number, hs: readonly Hunk[]): string[] {
  const out: string[] = [];
  let i = start;
  // In base order: a group is sorted by where its hunks could slide to, not where they are.
  for (const h of [...hs].sort((a, b) => a.start - b.start || a.end - b.end)) {
    out.push(...base.slice(i, h.start), ...h.lines);
    i = h.end;
  }
  out.push(...base.slice(i, end));
  return out;
}

/**
 * Hunks of both sides grouped where they touch: they overlap, or nothing of base lies between them
 * (as git merges, changes to adjacent lines are one region), counting where each could slide. A
 * region both sides changed is clean only when both made the same change there.
 */
function groups(all: Hunk[]): Hunk[][] {
  const sorted = [...all].sort((a, b) => a.lo - b.lo || a.start - b.start || a.end - b.end);
  const out: Hunk[][] = [];
  let cur: Hunk[] = [];
  let hi = -1;
  for (const h of sorted) {
    if (cur.length > 0 && h.lo > hi) {
      out.push(cur);
      cur = [];
    }
    cur.push(h);
    hi = Math.max(cur.length === 1 ? h.hi : hi, h.hi);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export function merge3(baseText: string, oursText: string, theirsText: string): Merge3Result {
  // A side that changed nothing leaves the other's change whole, however large: no diff to give up on.
  if (theirsText === baseText || oursText === theirsText) return { clean: true, text: oursText };
  if (oursText === baseText) return { clean: true, text: theirsText };
  const base = splitLines(baseText);
  const ourHunks = hunks(base, splitLines(oursText), 'ours');
  const theirHunks = ourHunks && hunks(base, splitLines(theirsText), 'theirs');
  // Too many lines differ to tell which ones each side changed: the user decides, never a guess.
  if (!ourHunks || !theirHunks) return wholeFileConflict(baseText, oursText, theirsText, base.length);
  const all = [...ourHunks, ...theirHunks];
  const out: string[] = [];
  const conflicts: Merge3Conflict[] = [];
  let i = 0;
  for (const g of groups(all)) {
    const start = Math.min(...g.map((h) => h.start));
    const end = Math.max(...g.map((h) => h.end));
    out.push(...base.slice(i, start));
    i = end;
    const ours = applyIn(base, start, end, g.filter((h) => h.side === 'ours'));
    const theirs = applyIn(base, start, end, g.filter((h) => h.side === 'theirs'));
    const oneSide = g.every((h) => h.side === g[0]?.side);
    if (oneSide) out.push(...(g[0]?.side === 'ours' ? ours : theirs));
    else if (ours.join('') === theirs.join('')) out.push(...ours);
    else {
      const c: Merge3Conflict = { baseStart: start, baseEnd: end, base: base.slice(start, end).join(''), ours: ours.join(''), theirs: theirs.join('') };
      conflicts.push(c);
      out.push(...markers(c));
    }
  }
  out.push(...base.slice(i));
  const text = out.join('');
  return conflicts.length === 0 ? { clean: true, text } : { clean: false, conflicts, text };
}

function wholeFileConflict(base: string, ours: string, theirs: string, baseLines: number): Merge3Result {
  const c: Merge3Conflict = { baseStart: 0, baseEnd: baseLines, base, ours, theirs };
  return { clean: false, conflicts: [c], text: markers(c).join(''), tooManyChanges: true };
}

const markers = (c: Merge3Conflict): string[] => ['<<<<<<< session\n', ...withEol(c.ours), '||||||| base\n', ...withEol(c.base), '=======\n', ...withEol(c.theirs), '>>>>>>> disk\n'];

const withEol = (s: string): string[] => (s === '' || s.endsWith('\n') ? [s] : [s, '\n']);
