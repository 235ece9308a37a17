import { LongTermMemory } from '../../../src/core/memory/longTermMemory';
import { MemoryStore } from '../../../src/core/memory/memoryStore';
import type { WriteOrigin } from '../../../src/core/memory/memoryTypes';
import type { KeyProvider } from '../../../src/core/store/codec';
import { type DiskCheckpointStore, openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';

/** A workspace store (and optionally a user store) on disk with long-term memory over both. */
export interface OpenedMemory {
  memory: LongTermMemory;
  workspace: MemoryStore;
  user?: MemoryStore;
  stores: DiskCheckpointStore[];
  close(): Promise<void>;
}

export async function openMemory(dir: string, o: { userDir?: string; keyProvider?: KeyProvider } = {}): Promise<OpenedMemory> {
  const base = { onLocked: 'fail' as const, syncWrites: false, ...(o.keyProvider ? { keyProvider: o.keyProvider } : {}) };
  const ws = await openCheckpointStore({ dir, ...base });
  const stores = [ws];
  const workspace = new MemoryStore('workspace', ws.openSpace('memory'));
  let user: MemoryStore | undefined;
  if (o.userDir) {
    const us = await openCheckpointStore({ dir: o.userDir, ...base });
    stores.push(us);
    user = new MemoryStore('user', us.openSpace('memory'));
  }
  const memory = await LongTermMemory.open({ workspace, ...(user ? { user } : {}) });
  return {
    memory,
    workspace,
    ...(user ? { user } : {}),
    stores,
    close: async () => {
      for (const s of stores) await s.close();
    },
  };
}

export const sid = (s: string) => s as SessionId;
export const at = (session: string, seq: number, opKey?: string): WriteOrigin => ({ sessionId: sid(session), seq, ...(opKey ? { opKey } : {}) });
