import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDatabaseFile } from './openStore';
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

/** The registry of earlier versions: one file for every workspace, still read. */
const FILE = 'workspaces.json';
/** One file per workspace: windows starting together each write their own, never each other's. */
const DIR = 'workspaces';

/**
 * Remembers, in a global directory, which store holds which workspace's sessions. The editor's
 * per-workspace storage folder changes when a workspace is reopened under another identity
 * (a .code-workspace file instead of the folder, a moved folder); the registry finds the old
 * store by folder path so sessions do not vanish. Each workspace has its own entry file, written
 * atomically (temp file + rename): windows that record at the same moment keep every entry.
 */
export class WorkspaceRegistry {
  private readonly file: string;
  private readonly dir: string;

  constructor(private readonly globalDir: string) {
    this.file = join(globalDir, FILE);
    this.dir = join(globalDir, DIR);
  }

  /** Every workspace's entry, the latest one of each (an entry file beats the older single file). */
  async entries(): Promise<RegistryEntry[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const own = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readEntries(join(this.dir, n))));
    const latest = new Map<string, RegistryEntry>();
    for (const e of [...(await readEntries(this.file)), ...own.flat()]) {
      const seen = latest.get(e.workspaceId);
      if (!seen || (e.lastOpenedAt ?? 0) >= (seen.lastOpenedAt ?? 0)) latest.set(e.workspaceId, e);
    }
    return [...latest.values()];
  }

  /**
   * Where this workspace's store is: `<storageDir>/store` when it exists (or nothing else is
   * known, or it holds a database that lost its CURRENT), otherwise an existing store registered
   * for the same folders, or for folders that hold these or that these hold.
   */
  async locate(storageDir: string, folders: readonly string[]): Promise<StoreLocation> {
    const own = join(storageDir, 'store');
    if (await exists(join(own, 'CURRENT'))) return { dir: own };
    // A database here that lost its CURRENT is this workspace's store, damaged: opening it reports
    // that (and the repair is offered), where another store found by folder would hide its sessions.
    if ((await readdir(own).catch(() => [] as string[])).some(isDatabaseFile)) return { dir: own };
    const wanted = new Set(folders.map((f) => resolve(f)));
    // The same workspace under a new identity has the same folders, or one folder set holds the
    // other (a folder added, or one of its folders opened alone); a workspace that only shares a
    // folder with another is another workspace: its sessions are not these, and its window would
    // make this one read-only.
    const sameWorkspace = (e: RegistryEntry) => e.folders.some((f) => wanted.has(f)) && (e.folders.every((f) => wanted.has(f)) || [...wanted].every((f) => e.folders.includes(f)));
    const candidates = (await this.entries())
      .filter(sameWorkspace)
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
    const entry: RegistryEntry = { workspaceId, storeDir: resolve(storeDir), folders: folders.map((f) => resolve(f)), lastOpenedAt: now };
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${createHash('sha256').update(workspaceId).digest('hex').slice(0, 32)}.json`);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, entries: [entry] }, null, 1));
    await rename(tmp, file);
  }
}

/** The entries of one registry file; none when it is missing or damaged (that only loses finding moved stores). */
async function readEntries(file: string): Promise<RegistryEntry[]> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { entries?: RegistryEntry[] };
    return Array.isArray(parsed.entries) ? parsed.entries.filter(isEntry) : [];
  } catch {
    return [];
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
