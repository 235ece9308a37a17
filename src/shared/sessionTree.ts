/**
 * A session's place in the tree of sessions, seen from both ends: the session it was forked from,
 * and the forks made from it. A fork records its parent; the parent records nothing, so its forks
 * are found among all the sessions (the sidebar has them all, the CLI lists them).
 */

/** What the tree needs of a session, as the sidebar's rows and the store's summaries both give it. */
export interface TreeSession {
  id: string;
  title: string;
  createdAt: number;
  /** The session it was forked from, and the step. */
  forkOf: { id: string; step: number | null } | null;
}

/** A link to another session of the tree: `title` null when that session was deleted. */
export interface TreeLink {
  id: string;
  title: string | null;
  step: number | null;
}

/** The forks made from `id`, by the step they start from, then oldest first. */
export function forksOf<T extends TreeSession>(all: readonly T[], id: string): T[] {
  return all
    .filter((s) => s.forkOf?.id === id && s.id !== id)
    .sort((a, b) => (a.forkOf?.step ?? Infinity) - (b.forkOf?.step ?? Infinity) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** The forks made from `id`, as links (the order of `forksOf`). */
export function forkLinks(all: readonly TreeSession[], id: string): TreeLink[] {
  return forksOf(all, id).map((f) => ({ id: f.id, title: f.title, step: f.forkOf?.step ?? null }));
}

/** The parent of `s` and its forks, as links. */
export function treeOf(all: readonly TreeSession[], s: TreeSession): { parent: TreeLink | null; forks: TreeLink[] } {
  const parent = s.forkOf ? { id: s.forkOf.id, title: all.find((x) => x.id === s.forkOf?.id)?.title ?? null, step: s.forkOf.step } : null;
  return { parent, forks: forkLinks(all, s.id) };
}

const at = (step: number | null): string => (step === null ? '' : ` at step ${step}`);

/**
 * The tree as plain lines (the CLI's `show`, the session's document): "fork of ‹title› (id) at
 * step 4" and one "forked at step 7 into ‹title› (id)" per fork. `clean` makes a title safe for
 * where it is printed (a terminal's control characters, a document's line breaks).
 */
export function treeLines(tree: { parent: TreeLink | null; forks: readonly TreeLink[] }, clean: (title: string) => string = (t) => t): string[] {
  const lines: string[] = [];
  const p = tree.parent;
  if (p) lines.push(p.title === null ? `fork of a deleted session (${p.id})${at(p.step)}` : `fork of ${clean(p.title)} (${p.id})${at(p.step)}`);
  for (const f of tree.forks) lines.push(`forked${at(f.step)} into ${clean(f.title ?? '')} (${f.id})`);
  return lines;
}
