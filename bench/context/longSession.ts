import { DEFAULT_APPROVAL_POLICY } from '../../src/core/runner/approvalPolicy';
import type { RunnerEvent } from '../../src/core/runner/runEvents';
import { SessionJournal, hashMessage } from '../../src/core/runner/sessionJournal';
import type { Message } from '../../src/core/model/types';
import type { CheckpointStore } from '../../src/core/store/checkpointStore';
import type { SessionId } from '../../src/core/store/types';
import { ProseGenerator, type Rng, deriveSeed, intIn, makeRng } from '../store/random';

/**
 * A long session written the way the runner writes it: every step goes through `SessionJournal`
 * (reduce + one atomic `store.commit` per batch, message bodies as blobs, the store's snapshot
 * policy). One step is 8 events in 4 commits, as runner.ts and toolCalls.ts batch them:
 *   1. model_turn + tool_planned + tool_started (call a), with the assistant message and the intent
 *   2. tool_result (a), deferSync
 *   3. tool_planned + tool_started (call b), with the intent
 *   4. tool_result (b) + message_added (the tool results message), deferSync
 */
export const EVENTS_PER_STEP = 8;

export interface BuildOptions {
  store: CheckpointStore;
  sessionId: SessionId;
  events: number;
  seed: number;
  /** Called every 1,000 steps with the events written so far. */
  progress?: (events: number) => void;
}

const usage = (rng: Rng) => ({ input: intIn(rng, 2000, 60000), output: intIn(rng, 50, 900), cacheRead: intIn(rng, 0, 50000), cacheWrite: intIn(rng, 0, 3000) });

export async function buildLongSession(o: BuildOptions): Promise<{ headSeq: number; steps: number; messages: number }> {
  const prose = new ProseGenerator(o.seed);
  const rng = makeRng(deriveSeed(o.seed, 0xc0));
  const first: Message = { role: 'user', content: prose.text(rng, 400) };
  await o.store.createSession({ id: o.sessionId, title: 'a very long session' });
  let j = await SessionJournal.open(o.store, o.sessionId);
  await j.append(0, [
    {
      type: 'session_started',
      data: { task: 'a long refactoring', system: prose.text(rng, 1500), models: ['claude-sonnet-4-6'], maxTokens: 8192, budgets: {}, policy: DEFAULT_APPROVAL_POLICY, firstMessage: hashMessage(first) },
    },
  ], { messages: [first] });
  const steps = Math.ceil((o.events - 1) / EVENTS_PER_STEP);
  for (let turn = 1; turn <= steps; turn++) {
    await step(j, turn, prose, rng);
    if (turn % 1000 === 0) {
      o.progress?.(j.headSeq);
      // A fresh journal object now and then, as a long-running runner would after a pause: it drops the message cache.
      j = await SessionJournal.open(o.store, o.sessionId);
    }
  }
  return { headSeq: j.headSeq, steps, messages: j.state.messages.length };
}

async function step(j: SessionJournal, turn: number, prose: ProseGenerator, rng: Rng): Promise<void> {
  const file = `src/m${String(intIn(rng, 0, 19)).padStart(3, '0')}/f${String(intIn(rng, 0, 1999)).padStart(5, '0')}.ts`;
  const a = { id: `toolu_${turn}_a`, name: 'read_file', input: { path: file } };
  const b = { id: `toolu_${turn}_b`, name: 'edit_file', input: { path: file, old_string: prose.text(rng, 80), new_string: prose.text(rng, 90) } };
  const assistant: Message = { role: 'assistant', content: [{ type: 'text', text: prose.text(rng, intIn(rng, 150, 700)) }, { type: 'tool_use', ...a }, { type: 'tool_use', ...b }] };
  const turnEvent: RunnerEvent = {
    type: 'model_turn',
    data: { turn, message: hashMessage(assistant), calls: [{ id: a.id, name: a.name }, { id: b.id, name: b.name }], stopReason: 'tool_use', usage: usage(rng), costUsd: 0.01, model: 'claude-sonnet-4-6', attempts: 1, retries: [] },
  };
  j.stage(turn, [turnEvent], { messages: [assistant] });
  await start(j, turn, a.id, a.name, 'read', a.input);
  const outA = prose.text(rng, intIn(rng, 300, 2500));
  await j.append(turn, [{ type: 'tool_result', data: { callId: a.id, name: a.name, key: `${a.name}:${file}`, isError: false, content: outA, progressed: false } }], {
    effects: [{ step: turn, actionId: a.id, phase: 'result', data: { isError: false } }],
    deferSync: true,
  });
  await start(j, turn, b.id, b.name, 'mutate', b.input);
  const outB = `Edited ${file}.`;
  const results: Message = {
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: a.id, content: outA },
      { type: 'tool_result', tool_use_id: b.id, content: outB },
    ],
  };
  await j.append(turn, [
    { type: 'tool_result', data: { callId: b.id, name: b.name, key: `${b.name}:${file}:${turn}`, isError: false, content: outB, progressed: true } },
    { type: 'message_added', data: { role: 'user', message: hashMessage(results), reason: 'tool_results' } },
  ], { effects: [{ step: turn, actionId: b.id, phase: 'result', data: { isError: false } }], messages: [results], deferSync: true });
}

async function start(j: SessionJournal, turn: number, callId: string, name: string, category: 'read' | 'mutate', input: unknown): Promise<void> {
  await j.append(turn, [
    { type: 'tool_planned', data: { callId, name, category, input } },
    { type: 'tool_started', data: { callId } },
  ], { effects: [{ step: turn, actionId: callId, phase: 'intent', data: { name, input } }] });
}
