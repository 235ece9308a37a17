import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureFilter } from './captureFilter';

export interface ScanOptions {
  /** lstat every file found (a sweep needs it; the baseline reads through a descriptor instead). */
  stat: boolean;
  /** Called for every directory before it is read (the capture starts watching it there). */
  onDir?: (dirRel: string, ino: number) => void;
  /** Called for a directory that cannot be read (EACCES): what is tracked under it is not known now, not gone. */
  onDenied?: (dirRel: string) => void;
  /**
   * Called for an entry whose name is not valid UTF-8 (`rel` shows each byte that is not as U+FFFD):
   * no path string reaches it, so it is left out, and said to be.
   */
  onUnnamed?: (rel: string) => void;
}

/** Whether the entry `name` (as readdir decoded it) cannot be reached by that name: its bytes were not UTF-8. */
async function unreachable(dirAbs: string, name: string): Promise<boolean> {
  if (!name.includes('\uFFFD')) return false;
  return (await lstat(path.join(dirAbs, name)).then(() => false, () => true));
}

/** Whether `rel` is under one of `dirs` (workspace-relative; '' is the root). */
export const underAny = (dirs: readonly string[], rel: string): boolean => dirs.some((d) => d === '' || rel.startsWith(`${d}/`));

/** Tracked regular files and symlinks under `startRel`, with their lstat when asked for (else null). */
export type ScanResult = Map<string, Stats | null>;

async function readDir(abs: string, denied: () => void): Promise<Dirent[]> {
  try {
    return await readdir(abs, { withFileTypes: true });
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    // Removed meanwhile, or not readable: nothing under it can be tracked (and what was is said to be unknown).
    if (code === 'EACCES' || code === 'EPERM') denied();
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return [];
    throw e;
  }
}

/**
 * The tracked files and symlinks under the directory `startRel` (which the caller knows is tracked), skipping
 * excluded paths and never entering symlinked directories below the root. Directories are read concurrently.
 */
export async function scanTree(rootAbs: string, startRel: string, filter: CaptureFilter, options: ScanOptions): Promise<ScanResult> {
  const found: ScanResult = new Map();
  const visit = async (dirRel: string, ino: number): Promise<void> => {
    options.onDir?.(dirRel, ino);
    const abs = path.join(rootAbs, dirRel);
    const children = await readDir(abs, () => options.onDenied?.(dirRel));
    await Promise.all(
      children.map(async (d) => {
        const rel = dirRel === '' ? d.name : `${dirRel}/${d.name}`;
        if (await unreachable(abs, d.name)) {
          options.onUnnamed?.(rel);
          return;
        }
        if (d.isDirectory()) {
          if (await filter.excludes(dirRel, rel, true)) return;
          const st = await lstat(path.join(abs, d.name)).catch(() => undefined);
          if (st?.isDirectory()) await visit(rel, st.ino);
        } else if (d.isFile() || d.isSymbolicLink()) {
          // A symlink is an entry of its own, never followed (not even into a linked folder).
          if (await filter.excludes(dirRel, rel, false)) return;
          if (!options.stat) {
            found.set(rel, null);
            return;
          }
          const st = await lstat(path.join(abs, d.name)).catch(() => undefined);
          if (st?.isFile() || st?.isSymbolicLink()) found.set(rel, st);
        }
      }),
    );
  };
  // The workspace root may be opened through a symlink (a linked projects folder): it is followed there, and only there.
  const st = await (startRel === '' ? stat : lstat)(path.join(rootAbs, startRel)).catch(() => undefined);
  if (st?.isDirectory()) await visit(startRel, st.ino);
  return found;
}
