import { type DiskCheckpointStore, openCheckpointStore } from '../store/openStore';
import type { KeyProvider } from '../store/codec';
import { LongTermMemory } from './longTermMemory';
import { MemoryStore } from './memoryStore';

export interface OpenedMemory {
  memory: LongTermMemory;
  /** Closes the user-scope store (the workspace scope lives in the session store, closed with it). */
  close(): Promise<void>;
}

/**
 * Long-term memory for a composition root: the workspace scope in the workspace's checkpoint store,
 * the user scope in its own store under `userDir` (read-only when another process holds it). A
 * user store that cannot be opened leaves that scope out rather than failing the session (its
 * writes say why, and it is tried again before each of them).
 */
export async function openMemory(workspaceStore: DiskCheckpointStore, userDir: string | undefined, keyProvider?: KeyProvider): Promise<OpenedMemory> {
  let userStore: DiskCheckpointStore | undefined;
  let userProblem: string | undefined;
  const key = keyProvider ? { keyProvider } : {};
  if (userDir) {
    userStore = await openCheckpointStore({ dir: userDir, onLocked: 'readonly', ...key }).catch((e: unknown) => {
      userProblem = e instanceof Error ? e.message : String(e);
      return undefined;
    });
  }
  // A read-only copy gives way to the store itself once the window that held it has closed; a store
  // that could not be opened at all is tried again (its error is thrown while it still cannot be).
  const reopenUser = async (): Promise<MemoryStore | undefined> => {
    if (!userDir || (userStore && !userStore.copyDir)) return undefined;
    const own = await openCheckpointStore({ dir: userDir, onLocked: userStore ? 'fail' : 'readonly', ...key }).catch((e: unknown) => {
      if (!userStore) throw e;
      return undefined;
    });
    if (!own) return undefined;
    const copy = userStore;
    userStore = own;
    await copy?.close().catch(() => undefined);
    return new MemoryStore('user', own.openSpace('memory'));
  };
  // A read-only copy taken again (or the store itself, once free): what the holder wrote since.
  const recopyUser = async (): Promise<MemoryStore | undefined> => {
    if (!userDir || !userStore?.copyDir) return undefined;
    const fresh = await openCheckpointStore({ dir: userDir, onLocked: 'readonly', ...key });
    const copy = userStore;
    userStore = fresh;
    await copy.close().catch(() => undefined);
    return new MemoryStore('user', fresh.openSpace('memory'));
  };
  const memory = await LongTermMemory.open({
    workspace: new MemoryStore('workspace', workspaceStore.openSpace('memory')),
    ...(userStore ? { user: new MemoryStore('user', userStore.openSpace('memory')) } : {}),
    ...(userProblem !== undefined ? { userProblem } : {}),
    reopenUser,
    recopyUser,
  });
  return { memory, close: async () => userStore?.close() };
}
