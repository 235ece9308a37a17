import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { MemoryLevel } from 'memory-level';
import { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import type { Db } from '../../../src/core/store/storeContext';
import { defineStoreContract } from './storeContract';

defineStoreContract('memory-level', async () => {
  const db = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Db;
  return {
    async open(options = {}) {
      if (db.status !== 'open') await db.open();
      return LevelCheckpointStore.create({ ...options, db });
    },
    db: () => db,
    async destroy() {
      if (db.status === 'open') await db.close();
    },
  };
});

defineStoreContract('classic-level (LevelDB on disk)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'savepoint-contract-'));
  let db: Db | undefined;
  return {
    async open(options = {}) {
      if (db?.status === 'open') await db.close();
      db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Db;
      await db.open();
      return LevelCheckpointStore.create({ ...options, db });
    },
    db: () => db as Db,
    async destroy() {
      if (db?.status === 'open') await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
