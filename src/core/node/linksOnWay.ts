import { lstatSync, readlinkSync } from 'node:fs';
import type { LinkOnWay } from '../ports/workspace';
import { lexicalPath, relativeInside, toPosix } from './confinedPath';

/** `Workspace.linksOnWay` under `root`: for each path, the first symlink from the root to it (a folder on the way, or the entry itself). */
export function linksOnWay(root: string, rels: readonly string[]): (LinkOnWay | undefined)[] {
  // Paths of one workspace share folders: each prefix is looked at once.
  const seen = new Map<string, LinkOnWay | null | undefined>();
  const at = (prefix: string): LinkOnWay | null | undefined => {
    if (!seen.has(prefix)) {
      let found: LinkOnWay | null | undefined;
      try {
        const abs = lexicalPath(root, prefix);
        found = lstatSync(abs).isSymbolicLink() ? { path: prefix, to: readlinkSync(abs) } : undefined;
      } catch {
        // Nothing there (or not readable): nothing further on the way either.
        found = null;
      }
      seen.set(prefix, found);
    }
    return seen.get(prefix);
  };
  return rels.map((rel) => {
    // The path as written: a link on the way may lead anywhere, even outside the workspace.
    const lexical = typeof rel === 'string' && rel !== '' ? relativeInside(root, lexicalPath(root, rel)) : undefined;
    if (!lexical) return undefined;
    const parts = toPosix(lexical).split('/');
    for (let i = 1; i <= parts.length; i++) {
      const found = at(parts.slice(0, i).join('/'));
      if (found === null) return undefined;
      if (found) return found;
    }
    return undefined;
  });
}
