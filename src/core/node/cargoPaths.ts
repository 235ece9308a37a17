import { access } from 'node:fs/promises';
import path from 'node:path';
import { relativeInside } from './confinedPath';

/** cargo's progress line with the folder of a package it builds: `    Checking rs v0.1.0 (/w/rs)` (registry crates have none). */
const CARGO_PACKAGE = /^\s*(?:Checking|Compiling|Documenting)\s+\S+\s+v\S+\s+\(((?:\/|[A-Za-z]:[\\/]).*)\)\s*$/;

/** The folders of the packages cargo says it built, in the order it names them. */
export function cargoPackageDirs(text: string): string[] {
  const dirs = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = CARGO_PACKAGE.exec(line);
    if (m?.[1] !== undefined) dirs.add(m[1]);
  }
  return [...dirs];
}

/** `at` is in the workspace, named by its path or by its real path (cargo prints real paths). */
const inside = (root: string, realRoot: string, at: string) => relativeInside(root, at) !== undefined || relativeInside(realRoot, at) !== undefined;

const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * Where a relative path cargo printed is. cargo names files relative to its own workspace root, which
 * is not where the command started when the crate is in a subfolder (`cargo check --manifest-path
 * rs/Cargo.toml`): the path is taken from `root` when the file is there, else from the first package
 * folder in `root` (`realRoot`: the same folder by its real path), or a folder between it and `root` (a cargo workspace above its member), where
 * the file is. Undefined when it is found nowhere (the caller keeps the path as printed).
 */
export async function locateCargoPath(root: string, file: string, dirs: readonly string[], realRoot: string = root): Promise<string | undefined> {
  if (path.isAbsolute(file) || (await exists(path.resolve(root, file)))) return undefined;
  for (const dir of dirs) {
    for (let at = path.resolve(dir); inside(root, realRoot, at); at = path.dirname(at)) {
      const candidate = path.resolve(at, file);
      if (await exists(candidate)) return candidate;
      if (path.dirname(at) === at) break;
    }
  }
  return undefined;
}
