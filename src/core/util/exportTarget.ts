import { join } from 'node:path';

/**
 * Where Export Session's save dialog starts: `savepoint-<id>.json` in the session's folder, else in
 * the home folder (a file name alone would make a path at the root of the file system).
 */
export function exportTarget(id: string, folder: string | undefined, home: string): string {
  return join(folder ?? home, `savepoint-${id}.json`);
}
