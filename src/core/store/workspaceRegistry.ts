import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { WorkspaceId } from './types';

export interface RegistryEntry {
  workspaceId: WorkspaceId;
  storeDir: string;
  folders: string[];
  lastOpenedAt: number;
}

export interface StoreLocation {
  dir: string;
  /** Set when the store was found through the registry rather than in the editor's storage folder. */
  adoptedFrom?: RegistryEntry;
}

const FILE = 'workspaces.json';

/**
 * Remembers, in a global directory, which store holds which workspace's sessions. The editor's
 * per-workspace storage folder changes when a workspace is reopened under another identity
 * (a .code-workspace file instead of the folder, a moved folder); the registry finds the old
 * store by folder path so sessions do not vanish. Writes are atomic (temp file + rename).
 */
export class WorkspaceRegistry {
  private readonly file: string;

  constructor(private readonly globalDir: string) {
    this.file = join(globalDir, FILE);
  }

  async entries(): Promise<RegistryEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { entries?: RegistryEntry[] };
      return Array.isArray(parsed.entries) ? parsed.entries.filter(isEntry) : [];
    } catch {
      // A damaged registry only loses the ability to find moved stores; it is rewritten on the next record().
      return [];
    }
  }

  /**
   * Where this workspace's store is: `<storageDir>/store` when it exists (or nothing else is
   * known), otherwise an existing store registered for one of the same folders.
   */
  async locate(storageDir: string, folders: readonly string[]): Promise<StoreLocation> {
    const own = join(storageDir, 'store');
    if (await exists(join(own, 'CURRENT'))) return { dir: own };
    const wanted = new Set(folders.map((f) => resolve(f)));
    const candidates = (await this.entries())
      .filter((e) => e.folders.some((f) => wanted.has(f)))
      .sort((a, b) => b.lastOpenedAt - a.lastOpenedAt);
    for (const e of candidates) {
      if (resolve(e.storeDir) !== resolve(own) && (await exists(join(e.storeDir, 'CURRENT')))) {
        return { dir: e.storeDir, adoptedFrom: e };
      }
    }
    return { dir: own };
  }

  /** Records that `workspaceId`'s store at `storeDir` serves `folders`. */
  async record(workspaceId: WorkspaceId, storeDir: string, folders: readonly string[], now = Date.now()): Promise<void> {
    const entries = (await this.entries()).filter((e) => e.workspaceId !== workspaceId);
    entries.push({ workspaceId, storeDir: resolve(storeDir), folders: folders.map((f) => resolve(f)), lastOpenedAt: now });
    await mkdir(this.globalDir, { recursive: true });
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, entries }, null, 1));
    await rename(tmp, this.file);
  }
}

function isEntry(e: unknown): e is RegistryEntry {
  const r = e as RegistryEntry;
  return !!r && typeof r.workspaceId === 'string' && typeof r.storeDir === 'string' && Array.isArray(r.folders);
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
