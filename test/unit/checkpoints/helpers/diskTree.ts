import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Every entry under `root` (not .git): file contents as JSON strings, link targets, empty folders. */
export async function diskTree(root: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (p === '.git') continue;
    if (e.isDirectory()) {
      const sub = await diskTree(root, p);
      if (Object.keys(sub).length === 0) out[`${p}/`] = 'dir';
      Object.assign(out, sub);
    } else if ((await lstat(join(root, p))).isSymbolicLink()) out[p] = `-> ${await readlink(join(root, p))}`;
    else out[p] = JSON.stringify((await readFile(join(root, p))).toString());
  }
  return out;
}
