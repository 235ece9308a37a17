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
    };

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

function hunks(base: string[], other: string[], side: Hunk['side']): Hunk[] {
  const out: Hunk[] = [];
  let i = 0;
  let open: Omit<Hunk, 'lo' | 'hi'> | undefined;
  const close = () => {
    if (open) out.push({ ...open, ...slideRange(base, open) });
    open = undefined;
  };
  for (const c of diffArrays(base, other)) {
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
  const base = splitLines(baseText);
  const all = [...hunks(base, splitLines(oursText), 'ours'), ...hunks(base, splitLines(theirsText), 'theirs')];
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
      out.push('<<<<<<< session\n', ...withEol(c.ours), '||||||| base\n', ...withEol(c.base), '=======\n', ...withEol(c.theirs), '>>>>>>> disk\n');
    }
  }
  out.push(...base.slice(i));
  const text = out.join('');
  return conflicts.length === 0 ? { clean: true, text } : { clean: false, conflicts, text };
}

const withEol = (s: string): string[] => (s === '' || s.endsWith('\n') ? [s] : [s, '\n']);
