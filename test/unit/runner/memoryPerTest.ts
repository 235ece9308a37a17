import { type OpenedMemory, openMemory } from '../../../src/core/memory/openMemory';
import type { DiskCheckpointStore } from '../../../src/core/store/openStore';

/** Long-term memory on a test's store (workspace scope only), closed after each test. */
export function memoryPerTest(): (store: DiskCheckpointStore) => Promise<OpenedMemory> {
  let mem: OpenedMemory | undefined;
  afterEach(async () => {
    await mem?.close();
    mem = undefined;
  });
  return async (store) => (mem = await openMemory(store, undefined));
}
