/** The symlink sides of a change: the text of the link a side was (absent: that side was a file, or nothing). */
export interface LinkSides {
  beforeLink?: string;
  afterLink?: string;
}

/**
 * A change that involves a symlink, in words after its path, naming the link's target as written
 * (never what it leads to): "symlink to a.txt" (created), "symlink to a.txt, removed",
 * "symlink retargeted: a.txt -> b.txt", "file replaced by a symlink to t", "symlink to t replaced
 * by a file". Undefined when neither side is a link.
 */
export function linkNote(kind: 'created' | 'modified' | 'deleted' | 'renamed', s: LinkSides): string | undefined {
  const { beforeLink: b, afterLink: a } = s;
  if (b === undefined && a === undefined) return undefined;
  if (kind === 'created' && a !== undefined) return `symlink to ${a}`;
  if (kind === 'deleted' && b !== undefined) return `symlink to ${b}, removed`;
  if (b !== undefined && a !== undefined) return `symlink retargeted: ${b} -> ${a}`;
  return a !== undefined ? `file replaced by a symlink to ${a}` : `symlink to ${b as string} replaced by a file`;
}
