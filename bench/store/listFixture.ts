import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { openCheckpointStore } from '../../src/core/store/openStore';
import type { SessionId } from '../../src/core/store/types';
import { CommitBuilder } from './checkpoint';
import { ProseGenerator, deriveSeed, makeRng, shuffled } from './random';

/**
 * The store behind `list_sessions_1000_ms`: N sessions of 20 small but real steps each (one
 * assistant and one user message blob per step, events, an effect, the summary patch, snapshots
 * by policy). Steps are interleaved across sessions in a seeded order, so "most recently updated"
 * is not creation order. Built with syncWrites off and a synthetic clock: only the listing is timed.
 */
export interface ListFixture {
  sessions: number;
  steps: number;
  buildMs: number;
}

const START = Date.UTC(2026, 0, 1);

export async function buildListStore(dir: string, seed: number, sessions: number, steps: number): Promise<ListFixture> {
  const t0 = performance.now();
  await rm(dir, { recursive: true, force: true });
  let clock = START;
  const store = await openCheckpointStore({ dir, onLocked: 'fail', syncWrites: false, now: () => (clock += 997) });
  const prose = new ProseGenerator(seed);
  const rng = makeRng(deriveSeed(seed, 0x1157));
  const builders: CommitBuilder[] = [];
  for (let i = 0; i < sessions; i++) {
    const title = `${prose.text(rng, 24 + Math.floor(rng() * 40)).replace(/\s+/g, ' ').trim()} (#${i})`;
    const s = await store.createSession({ title, id: `w1list-${String(i).padStart(5, '0')}` as SessionId });
    builders.push(new CommitBuilder(s.id));
  }
  for (let step = 1; step <= steps; step++) {
    const order = shuffled(rng, builders.map((_, i) => i));
    for (const i of order) {
      const b = builders[i] as CommitBuilder;
      const toolUseId = `toolu_${i}_${step}`;
      const plan = {
        step,
        toolUseId,
        tool: 'read_file' as const,
        assistant: JSON.stringify({ role: 'assistant', content: [{ type: 'text', text: prose.text(rng, 160) }, { type: 'tool_use', id: toolUseId, name: 'read_file', input: { path: 'src/index.ts' } }] }),
        user: JSON.stringify({ role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: prose.text(rng, 120) }] }),
      };
      const commit = b.build(plan);
      if (step === steps && rng() < 0.8) commit.summary = { ...commit.summary, status: 'completed' };
      b.head = (await store.commit(commit)).headSeq;
    }
  }
  await store.close();
  return { sessions, steps, buildMs: performance.now() - t0 };
}
