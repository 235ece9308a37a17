import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LongTermMemory } from '../../src/core/memory/longTermMemory';
import { MemoryStore } from '../../src/core/memory/memoryStore';
import type { MemoryKind } from '../../src/core/memory/memoryTypes';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { SessionId } from '../../src/core/store/types';
import { bytesAllocated, emptyNodeMs, gitCommit, median, round, runNode } from '../store/measure';
import { ProseGenerator, deriveSeed, intIn, makeRng, pick } from '../store/random';
import { EVENTS_PER_STEP, buildLongSession } from './longSession';

/**
 * `npm run bench:context`: a session of 50,000 journal events (runner events written through
 * SessionJournal and the real store, snapshots by the store's policy) plus 10,000 long-term
 * memories in the same store; then, in fresh processes, the resume (open + latest snapshot + tail
 * + RunState) and the memory index rebuild. One JSON object on stdout, progress on stderr.
 *   node out/bench/context/contextBench.js [--events 50000] [--memories 10000] [--runs 3]
 *        [--snapshot-every 64] [--seed 1] [--dir .bench/context] [--keep]
 */
const TARGET_MS = 1000;
const TARGET_HEAP_MB = 100;
const SID = 'long-session' as SessionId;
const log = (s: string) => process.stderr.write(`[context] ${s}\n`);

interface ResumeOut {
  openMs: number;
  stateMs: number;
  resumeMs: number;
  conversationMs: number;
  headSeq: number;
  snapshotSeq: number;
  stateMessages: number;
  conversationMessages: number;
  heapSampledPeakMb: number;
  heapRetainedAfterGcMb: number;
  peakRssMb: number;
}

interface MemoryOut {
  rebuildMs: number;
  entries: number;
  firstQueryMs: number;
  eventLoopMaxDelayMs: number;
  heapRetainedAfterGcMb: number;
}

async function build(dir: string, o: { events: number; memories: number; snapshotEvery: number; seed: number }): Promise<Record<string, number>> {
  await rm(dir, { recursive: true, force: true });
  const store = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false, snapshotEvery: o.snapshotEvery });
  const t0 = performance.now();
  const built = await buildLongSession({ store, sessionId: SID, events: o.events, seed: o.seed, progress: (n) => log(`  ${n} events`) });
  const sessionMs = performance.now() - t0;
  const t1 = performance.now();
  const memory = await LongTermMemory.open({ workspace: new MemoryStore('workspace', store.openSpace('memory')) });
  const prose = new ProseGenerator(deriveSeed(o.seed, 0x3e));
  const rng = makeRng(deriveSeed(o.seed, 0x3f));
  const tags = ['build', 'tests', 'store', 'runner', 'webview', 'lint', 'release', 'ci', 'perf', 'style'];
  for (let i = 0; i < o.memories; i++) {
    const kind: MemoryKind = i % 10 === 0 ? 'procedure' : i % 4 === 0 ? 'episode' : 'fact';
    const n = intIn(rng, 0, 3);
    await memory.remember({ kind, text: prose.text(rng, intIn(rng, 60, 400)), tags: Array.from({ length: n }, () => pick(rng, tags)), pinned: i % 500 === 0 }, { sessionId: SID, seq: 1 + (i % built.headSeq) });
  }
  const memoryMs = performance.now() - t1;
  await store.close();
  const size = await bytesAllocated(dir);
  return { headSeq: built.headSeq, steps: built.steps, stateMessages: built.messages, buildSessionMs: round(sessionMs, 0), buildMemoryMs: round(memoryMs, 0), storeBytes: size.allocated };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '50000' },
      memories: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '3' },
      'snapshot-every': { type: 'string', default: '64' },
      seed: { type: 'string', default: '1' },
      dir: { type: 'string', default: '.bench/context' },
      keep: { type: 'boolean', default: false },
    },
  });
  const events = Number(values.events);
  const memories = Number(values.memories);
  const runs = Math.max(1, Number(values.runs));
  const snapshotEvery = Number(values['snapshot-every']);
  const dir = resolve(values.dir, 'store');
  const child = join(__dirname, 'resumeChild.js');
  if (!existsSync(child)) throw new Error(`${child} is missing: compile first`);

  log(`building a session of ${events} events (${EVENTS_PER_STEP} per step) and ${memories} memories in ${dir}`);
  const fixture = await build(dir, { events, memories, snapshotEvery, seed: Number(values.seed) });
  log(`built: ${JSON.stringify(fixture)}`);

  const baseline = await emptyNodeMs();
  const resumes: ResumeOut[] = [];
  const walls: number[] = [];
  const withConv: ResumeOut[] = [];
  const batched: ResumeOut[] = [];
  const mems: MemoryOut[] = [];
  for (let r = 0; r < runs; r++) {
    const run = await runNode<ResumeOut>(['--expose-gc', child, 'resume', dir, SID]);
    resumes.push(run.out);
    walls.push(run.wallMs - baseline);
    log(`resume ${r + 1}: ${run.out.resumeMs.toFixed(1)} ms (open ${run.out.openMs.toFixed(1)}), heap peak ${run.out.heapSampledPeakMb} MB, retained ${run.out.heapRetainedAfterGcMb} MB`);
    const conv = await runNode<ResumeOut>(['--expose-gc', child, 'resume', dir, SID, '--conversation']);
    withConv.push(conv.out);
    log(`resume + conversation ${r + 1}: ${(conv.out.resumeMs + conv.out.conversationMs).toFixed(1)} ms, heap peak ${conv.out.heapSampledPeakMb} MB`);
    const bat = await runNode<ResumeOut>(['--expose-gc', child, 'resume', dir, SID, '--batched']);
    batched.push(bat.out);
    log(`resume + batched message read ${r + 1}: ${(bat.out.resumeMs + bat.out.conversationMs).toFixed(1)} ms, heap peak ${bat.out.heapSampledPeakMb} MB`);
    const mem = await runNode<MemoryOut>(['--expose-gc', child, 'memory', dir]);
    mems.push(mem.out);
    log(`memory ${r + 1}: rebuild of ${mem.out.entries} entries ${mem.out.rebuildMs.toFixed(1)} ms, retained ${mem.out.heapRetainedAfterGcMb} MB`);
  }
  // A hard bound: the same resume in a process whose old space cannot grow past the target.
  let fitsLimit = true;
  try {
    await runNode<ResumeOut>([`--max-old-space-size=${TARGET_HEAP_MB}`, child, 'resume', dir, SID]);
  } catch {
    fitsLimit = false;
  }

  const med = <T>(xs: readonly T[], f: (x: T) => number) => round(median(xs.map(f)), 1);
  const resumeMs = med(resumes, (x) => x.resumeMs);
  const heapMb = med(resumes, (x) => Math.max(x.heapSampledPeakMb, x.heapRetainedAfterGcMb));
  const first = resumes[0] as ResumeOut;
  const out = {
    resume_50k_events_ms: resumeMs,
    resume_50k_heap_mb: heapMb,
    resume_50k_heap_basis: 'max of process.memoryUsage().heapUsed sampled at the end of each phase (open, snapshot+tail+RunState) and heapUsed after a forced full GC (--expose-gc) with the journal held; whole-process heap, node and modules included',
    resume_50k_fits_old_space_limit_mb: fitsLimit ? TARGET_HEAP_MB : null,
    resume_50k_whole_process_ms: round(median(walls), 1),
    resume_50k_with_conversation_ms: med(withConv, (x) => x.resumeMs + x.conversationMs),
    resume_50k_with_conversation_heap_mb: med(withConv, (x) => Math.max(x.heapSampledPeakMb, x.heapRetainedAfterGcMb)),
    resume_50k_with_batched_messages_ms: med(batched, (x) => x.resumeMs + x.conversationMs),
    resume_50k_with_batched_messages_heap_mb: med(batched, (x) => Math.max(x.heapSampledPeakMb, x.heapRetainedAfterGcMb)),
    memory_rebuild_10k_ms: med(mems, (x) => x.rebuildMs),
    memory_rebuild_10k_heap_mb: med(mems, (x) => x.heapRetainedAfterGcMb),
    targets: { resume_50k_events_ms: TARGET_MS, resume_50k_heap_mb: TARGET_HEAP_MB },
    met: { resume_50k_events_ms: resumeMs < TARGET_MS, resume_50k_heap_mb: heapMb < TARGET_HEAP_MB },
    details: {
      events_requested: events,
      head_seq: first.headSeq,
      snapshot_seq: first.snapshotSeq,
      tail_events: first.headSeq - first.snapshotSeq,
      state_messages: first.stateMessages,
      conversation_messages: (withConv[0] as ResumeOut).conversationMessages,
      snapshot_every: snapshotEvery,
      memories: (mems[0] as MemoryOut).entries,
      runs,
      open_ms: med(resumes, (x) => x.openMs),
      snapshot_tail_state_ms: med(resumes, (x) => x.stateMs),
      peak_rss_mb: med(resumes, (x) => x.peakRssMb),
      memory_first_query_ms: med(mems, (x) => x.firstQueryMs),
      memory_rebuild_event_loop_max_delay_ms: med(mems, (x) => x.eventLoopMaxDelayMs),
      empty_node_ms: round(baseline, 1),
      fixture,
      git: gitCommit(process.cwd()),
      node: process.version,
    },
  };
  if (!values.keep) await rm(resolve(values.dir), { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
