import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClassicLevel } from 'classic-level';
import { fsyncFloorMs, median, round } from '../store/measure';

/**
 * What the disk and LevelDB alone cost on this machine, measured in the same run as the targets,
 * so that a checkpoint figure can be read against the floor under it. The targets are absolute:
 * these figures change no pass into a fail or back.
 *   - append + fdatasync of one step's bytes (W1.md quotes 0.23 ms for its machine);
 *   - LevelDB with no Savepoint code: a synced batch and an unsynced batch of W1's sizes, the two
 *     writes of a checkpoint step; their sum is the floor of a step.
 */
export const W1_FDATASYNC_FLOOR_MS = 0.23;

/** About what the store grows by per W1 step (1.6 MB after 200 steps), split as its two batches are. */
const INTENT_BYTES = 5000;
const RESULT_BYTES = 3000;

export interface MachineFigures {
  fdatasync_floor_p50_ms: number;
  leveldb_synced_batch_p50_ms: number;
  leveldb_unsynced_batch_p50_ms: number;
  /** Synced + unsynced batch: what a checkpoint step costs in LevelDB with no work of Savepoint's. */
  leveldb_step_floor_ms: number;
  /** The floor W1.md quotes for the machine its figures were taken on. */
  w1_fdatasync_floor_p50_ms: number;
}

async function levelFloor(dir: string, steps: number): Promise<{ synced: number; unsynced: number }> {
  rmSync(dir, { recursive: true, force: true });
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const synced: number[] = [];
  const unsynced: number[] = [];
  // Random bytes: the write path alone, with nothing for LevelDB's compression to do when it writes its tables.
  const intent = Buffer.alloc(INTENT_BYTES);
  const result = Buffer.alloc(RESULT_BYTES);
  try {
    for (let i = 0; i < steps; i++) {
      for (let b = 0; b < intent.length; b += 4) intent.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, b);
      for (let b = 0; b < result.length; b += 4) result.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, b);
      const key = Buffer.from(`s!${String(i).padStart(8, '0')}`);
      let t0 = performance.now();
      await db.batch().put(Buffer.concat([key, Buffer.from('!i')]), intent).write({ sync: true });
      synced.push(performance.now() - t0);
      t0 = performance.now();
      await db.batch().put(Buffer.concat([key, Buffer.from('!r')]), result).write({ sync: false });
      unsynced.push(performance.now() - t0);
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { synced: median(synced), unsynced: median(unsynced) };
}

export async function measureMachine(dir: string, steps: number): Promise<MachineFigures> {
  const fdatasync = fsyncFloorMs(dir, steps);
  const level = await levelFloor(join(dir, `level-floor-${process.pid}`), steps);
  return {
    fdatasync_floor_p50_ms: round(fdatasync),
    leveldb_synced_batch_p50_ms: round(level.synced),
    leveldb_unsynced_batch_p50_ms: round(level.unsynced),
    leveldb_step_floor_ms: round(level.synced + level.unsynced),
    w1_fdatasync_floor_p50_ms: W1_FDATASYNC_FLOOR_MS,
  };
}
