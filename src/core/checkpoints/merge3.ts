import { diffArrays } from 'diff';

/**
 * Line-based three-way merge (diff3) for an edit whose base changed under it: `ours` is the
 * session's version, `theirs` the disk now, both derived from `base`. Changes to separate regions
 * combine; a region both sides changed differently is a conflict. Pure.
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
}

export const splitLines = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/));

function hunks(base: string[], other: string[], side: Hunk['side']): Hunk[] {
  const out: Hunk[] = [];
  let i = 0;
  let open: Hunk | undefined;
  for (const c of diffArrays(base, other)) {
    if (!c.added && !c.removed) {
      if (open) out.push(open);
      open = undefined;
      i += c.value.length;
      continue;
    }
    open ??= { side, start: i, end: i, lines: [] };
    if (c.removed) {
      i += c.value.length;
      open.end = i;
    } else open.lines.push(...c.value);
  }
  if (open) out.push(open);
  return out;
}

/** The region [start, end) of base with one side's hunks (all inside it) applied. */
function applyIn(base: string[], start: number, end: number, hs: readonly Hunk[]): string[] {
  const out: string[] = [];
  let i = start;
  for (const h of hs) {
    out.push(...base.slice(i, h.start), ...h.lines);
    i = h.end;
  }
  out.push(...base.slice(i, end));
  return out;
}

/** Hunks of both sides grouped where they overlap (or insert at the same place). */
function groups(all: Hunk[]): Hunk[][] {
  const sorted = [...all].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Hunk[][] = [];
  let cur: Hunk[] = [];
  let end = -1;
  for (const h of sorted) {
    const touches = cur.length > 0 && (h.start < end || (h.start === end && (h.start === h.end || cur.some((c) => c.end === end && c.start === c.end))));
    if (!touches && cur.length > 0) {
      out.push(cur);
      cur = [];
    }
    cur.push(h);
    end = cur.length === 1 ? h.end : Math.max(end, h.end);
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
