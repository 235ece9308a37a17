import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LongTermMemory } from '../../src/core/memory/longTermMemory';
import { MemoryStore } from '../../src/core/memory/memoryStore';
import { SessionJournal } from '../../src/core/runner/sessionJournal';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { SessionId } from '../../src/core/store/types';

/**
 * The fresh processes of the context bench (imports are not timed; run with --expose-gc):
 *   node resumeChild.js resume STORE SESSION [--conversation | --batched]
 *     open the store + SessionJournal.open (index row, latest snapshot, stream of the tail, reduce
 *     into RunState): what the runner does on resume before anything else. With --conversation,
 *     also every message body (j.conversation()), what the first model request after it needs;
 *     with --batched, the same bodies read with one store.getBlobs instead.
 *   node resumeChild.js memory STORE
 *     open the store + LongTermMemory.open (every entry read and indexed).
 * Prints one JSON object. Heap figures: `heapUsed` sampled at the end of each phase (a lower bound
 * of the peak), and after a forced full GC with the result still held (what the resumed session keeps).
 */
const decoder = new TextDecoder();
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;

function heapSample(samples: number[]): void {
  samples.push(process.memoryUsage().heapUsed);
}

async function resume(dir: string, sid: SessionId, conversation: '' | '--conversation' | '--batched'): Promise<Record<string, unknown>> {
  const samples: number[] = [];
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const store = await openCheckpointStore({ dir, onLocked: 'fail' });
  const tOpen = performance.now();
  heapSample(samples);
  const j = await SessionJournal.open(store, sid);
  const tState = performance.now();
  heapSample(samples);
  let messages = 0;
  let tConv = tState;
  if (conversation === '--conversation') {
    messages = (await j.conversation()).length;
    tConv = performance.now();
    heapSample(samples);
  } else if (conversation === '--batched') {
    // The same bodies through the store's batch read (one getMany) instead of one getBlob each.
    const bodies = await store.getBlobs(j.state.messages);
    messages = bodies.map((b) => JSON.parse(decoder.decode(b)) as unknown).length;
    tConv = performance.now();
    heapSample(samples);
  }
  gc?.();
  const retained = process.memoryUsage().heapUsed;
  const out = {
    openMs: tOpen - t0,
    stateMs: tState - tOpen,
    resumeMs: tState - t0,
    conversationMs: tConv - tState,
    headSeq: j.headSeq,
    snapshotSeq: j.summary.snapshotSeq,
    stateMessages: j.state.messages.length,
    turn: j.state.turn,
    conversationMessages: messages,
    heapBeforeMb: mb(heapBefore),
    heapSampledPeakMb: mb(Math.max(...samples)),
    heapRetainedAfterGcMb: mb(retained),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    gcExposed: gc !== undefined,
  };
  await store.close();
  return out;
}

async function memory(dir: string): Promise<Record<string, unknown>> {
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const store = await openCheckpointStore({ dir, onLocked: 'fail' });
  const tOpen = performance.now();
  // How long the rebuild holds the event loop at a stretch (it indexes one read batch at a time).
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const m = await LongTermMemory.open({ workspace: new MemoryStore('workspace', store.openSpace('memory')) });
  const tIndexed = performance.now();
  delay.disable();
  const hits = m.recall('build tests', { limit: 5 }).length;
  const tQuery = performance.now();
  gc?.();
  const retained = process.memoryUsage().heapUsed;
  await store.close();
  return {
    openMs: tOpen - t0,
    rebuildMs: tIndexed - tOpen,
    entries: m.size,
    firstQueryMs: tQuery - tIndexed,
    eventLoopMaxDelayMs: delay.max / 1e6,
    hits,
    heapBeforeMb: mb(heapBefore),
    heapRetainedAfterGcMb: mb(retained),
    gcExposed: gc !== undefined,
  };
}

async function main(): Promise<void> {
  const [mode, dir, sid, flag] = process.argv.slice(2);
  let out: Record<string, unknown>;
  if (mode === 'resume' && dir && sid && (flag === undefined || flag === '--conversation' || flag === '--batched')) out = await resume(dir, sid as SessionId, flag ?? '');
  else if (mode === 'memory' && dir) out = await memory(dir);
  else throw new Error('usage: resumeChild resume STORE SESSION [--conversation | --batched] | memory STORE');
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
