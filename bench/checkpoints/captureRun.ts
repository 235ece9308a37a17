import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryContentStore } from '../../src/core/capture/memoryContentStore';
import { commandFiles, measure } from '../capture/captureBench';
import { joinLines, originalLines, relPath } from '../store/workspace';

/**
 * Side-effect capture on the W1 workspace, by the capture bench's own `measure`: NodeChangeCapture
 * (watcher on, every text file kept in a content store: the default; its log on disk, as the editor and
 * the CLI keep it) builds its baseline, then each
 * run's shell command modifies 8 files, creates 1 and deletes 1, and `end()` is timed. Then the same
 * without a watcher (the stat-only sweep a capture falls back to when the watcher is unavailable or
 * overflowed), with other files. The commands' files are put back from the generator before and
 * after, so the cached fixture stays as generated.
 */
export interface CaptureResult {
  ends: number[];
  begins: number[];
  baselineMs: number;
  baselineFiles: number;
  method: string | undefined;
  examined: number | undefined;
  hashed: number | undefined;
  sweepEnds: number[];
  sweepExamined: number | undefined;
}

async function restore(root: string, seed: number, files: number, runs: number): Promise<void> {
  for (let r = 0; r < runs; r++) {
    const f = commandFiles(r, files);
    await Promise.all([...f.modified, f.deleted].map((i) => writeFile(join(root, relPath(i)), joinLines(originalLines(seed, i)))));
    await rm(join(root, f.created), { force: true });
  }
}

export async function measureCapture(root: string, seed: number, files: number, runs: number): Promise<CaptureResult> {
  await restore(root, seed, files, 2 * runs);
  try {
    // Large enough for every file's bytes: the capture bench checks that each old version comes back.
    // With the log the editor and the CLI keep (the index on disk, for a command a crash cuts off).
    const logDir = await mkdtemp(join(tmpdir(), 'savepoint-bench-capture-log-'));
    const m = await measure(root, files, runs, 0, { contentStore: new MemoryContentStore(512 * 1024 * 1024), logDir }).finally(() => rm(logDir, { recursive: true, force: true }));
    const sweep = await measure(root, files, runs, runs, { watch: false, keepBaselineContents: false, contentStore: new MemoryContentStore(64 * 1024 * 1024) });
    return {
      ends: m.ends,
      begins: m.begins,
      baselineMs: m.baseline.ms,
      baselineFiles: m.baseline.files,
      method: m.method,
      examined: m.examined,
      hashed: m.hashed,
      sweepEnds: sweep.ends,
      sweepExamined: sweep.examined,
    };
  } finally {
    await restore(root, seed, files, 2 * runs);
  }
}
