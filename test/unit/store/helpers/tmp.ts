import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real temporary directories for one suite. `cleanup(keep)` removes them, or keeps them (and says
 * where) when a test failed, so the store that failed can be inspected.
 */
export function tempDirs(prefix: string) {
  const made: string[] = [];
  return {
    async make(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), `savepoint-${prefix}-`));
      made.push(dir);
      return dir;
    },
    /** Removes `dir` with the others at cleanup. */
    adopt(dir: string): void {
      made.push(dir);
    },
    async cleanup(keep = false): Promise<void> {
      const dirs = made.splice(0);
      if (keep) {
        if (dirs.length) console.log(`      kept for inspection: ${dirs.join(' ')}`);
        return;
      }
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
