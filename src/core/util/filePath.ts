import path from 'node:path';
import type { Workspace } from '../ports/workspace';

/**
 * The workspace-relative, `/`-separated path of the file `rel` designates once symlinks are
 * followed: `CLAUDE.md` when it is a plain file, `AGENTS.md` when `CLAUDE.md` links to it. A change
 * capture reports the target, never the link, so the session keeps one history per file by naming
 * writes this way. A path that resolves to the root itself stays as it is.
 */
export async function filePath(ws: Workspace, rel: string): Promise<string> {
  const [real, root] = await Promise.all([ws.resolve(rel), ws.resolve('.')]);
  const inRoot = path.relative(root, real);
  if (inRoot === '' || inRoot === '..' || inRoot.startsWith(`..${path.sep}`) || path.isAbsolute(inRoot)) return rel;
  return inRoot.split(path.sep).join('/');
}
