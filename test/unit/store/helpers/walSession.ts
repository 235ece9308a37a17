import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { LevelCheckpointStore } from '../../../../src/core/store/levelCheckpointStore';
import type { SessionId } from '../../../../src/core/store/types';
import { LOG_PREFIX } from '../../../../src/core/store/writeAheadLog';
import { FixtureProcess } from '../../../fixtures/storeChild';
import { type WorkState, applyEvent, buildStep, initialState } from '../../../fixtures/storeWorkload';

/** The store's write-ahead log segments in `dir` (not those set aside), oldest first. */
export const logFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n.startsWith(LOG_PREFIX) && !n.includes('.')).sort();

/** The write-ahead log tests' session `sid`: its workload state, steps committed, a writer killed. */
export function walSession(sid: SessionId) {
  return {
    /** The workload state the store resumes `sid` to (latest snapshot + journal tail). */
    async stateOf(store: LevelCheckpointStore): Promise<WorkState> {
      const load = await store.loadSession<WorkState>(sid);
      let state = load.snapshot?.state ?? initialState();
      for await (const e of load.tail) state = applyEvent(state, e);
      return state;
    },

    /** Commits workload steps from..to and returns the state after them. */
    async commitSteps(store: LevelCheckpointStore, from: number, to: number, state: WorkState): Promise<WorkState> {
      for (let step = from; step <= to; step++) {
        const b = buildStep(sid, step, state);
        await store.commit(b.commit);
        state = b.next;
      }
      return state;
    },

    /** SIGKILLs a syncing writer the moment step `k` resolved: step k is in the store's log only. */
    async crashAfter(dir: string, k: number): Promise<void> {
      process.env['KILL_AFTER'] = String(k);
      try {
        const w = new FixtureProcess('storeWriter', [dir, sid, '1', '8', '0']);
        const exit = await w.exited;
        assert.equal(exit.signal, 'SIGKILL', exit.stderr);
      } finally {
        delete process.env['KILL_AFTER'];
      }
    },
  };
}

/** Runs `open` while every removal of a log segment fails EBUSY (as on Windows while another program holds the file open). */
export async function withSegmentRemovalFailing<T>(open: () => Promise<T>): Promise<T> {
  const original = fs.unlinkSync;
  (fs as { unlinkSync: unknown }).unlinkSync = (p: fs.PathLike) => {
    if (String(p).includes(LOG_PREFIX)) throw Object.assign(new Error(`EBUSY: resource busy or locked, unlink '${String(p)}'`), { code: 'EBUSY' });
    return original(p);
  };
  try {
    return await open();
  } finally {
    (fs as { unlinkSync: unknown }).unlinkSync = original;
  }
}

/** Flips one bit on disk inside the payload of the second record of the log segment `file`. */
export function flipBitInSecondRecord(file: string): void {
  const buf = fs.readFileSync(file);
  const at = 8 + 8 + buf.readUInt32BE(8) + 8 + 20;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from([(buf[at] as number) ^ 1]), 0, 1, at);
  fs.closeSync(fd);
}
