import assert from 'node:assert/strict';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import type { RunState } from '../../../src/core/runner/runState';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import { describeEvent } from '../../../src/core/runner/timeline';
import type { StepInput } from '../../../src/core/scripted/scenario';
import type { SessionId } from '../../../src/core/store/types';
import { errorStep } from '../../../src/core/scripted/scenario';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness, withoutRunTime } from './runnerHarness';

/** A window of 1,000 tokens compacts at 700; the scripted usage walks the context up to it twice. */
const CONTEXT = { window: 1000, threshold: 0.7, keepTurns: 2 };
const usage = (input: number) => ({ usage: { input_tokens: input, output_tokens: 5 } });
const read = (id: string, input: number, expect?: StepInput extends { expect?: infer E } ? E : never): StepInput => ({ ...toolUse(id, 'read_file', { path: 'notes.txt' }, expect), ...usage(input) });

/** `summaryTimes` 2: the first summary is asked for twice (its first answer dies with the process). */
function scenario(summaryTimes = 1): StepInput[] {
  return [
    read('r1', 200),
    read('r2', 400),
    read('r3', 600),
    read('r4', 750),
    { ...finalText('SUMMARY ONE: read notes.txt four times; it says hello.', { systemContains: 'You summarize the earlier part' }), times: summaryTimes },
    // The conversation is now the summary and the last two turns with their results.
    read('r5', 300, { messageCount: 5, toolResultFor: 'r4' }),
    { ...toolUse('p1', 'pin_fact', { fact: 'the build command is make ci' }, { toolResultFor: 'r5' }), ...usage(500) },
    read('r7', 760, { toolResultFor: 'p1', systemContains: 'the build command is make ci' }),
    finalText('SUMMARY TWO: built on summary one; pinned the build command.', { systemContains: 'You summarize', lastUserContains: 'SUMMARY ONE' }),
    { ...finalText('all done', { toolResultFor: 'r7', systemContains: 'the build command is make ci' }), ...usage(100) },
  ];
}

const FILES = { 'notes.txt': 'hello\n' };

/** A summary its max_tokens cut short, answering `times` requests. */
const cutSummary = (text: string, times: number): StepInput => ({
  type: 'message',
  content: [{ type: 'text', text }],
  stop_reason: 'max_tokens',
  expect: { systemContains: 'You summarize' },
  times,
  ...usage(300),
});

async function state(h: Harness, id: SessionId): Promise<RunState> {
  return withoutRunTime((await SessionJournal.open(h.store, id)).state);
}

describe('context window: compaction that lasts, survives a crash, and can be undone; pinned facts', function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('crosses the threshold twice: each time older turns are summarized by a journaled model call and the state itself shrinks', async () => {
    h = await harness(scenario(), FILES);
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    assert.deepEqual(h.server.duplicateTurns(), []);
    const events = await h.events(id);
    const compactions = events.filter((e) => e.type === 'compacted');
    assert.equal(compactions.length, 2);
    const s = await state(h, id);
    assert.equal(s.status, 'completed');
    assert.deepEqual(s.compactions.map((c) => c.id), compactions.map((e) => (e.data as { compactionId: string }).compactionId));
    assert.deepEqual(s.pinned, ['the build command is make ci']);
    // Summary, two kept turns with their results, and the final answer.
    assert.equal(s.messages.length, 6);
    const first = await (await SessionJournal.open(h.store, id)).message(s.messages[0] as never);
    assert.match(String(first.content), /^do the task\n\n\[Compacted history \(compaction 2\)[^]*SUMMARY TWO/, 'the task stays verbatim at the top');
    assert.ok(events.some((e) => e.type === 'fact_pinned' && (e.data as { by: string }).by === 'model'));
    assert.match(describeEvent(compactions[0] as RunnerEvent), /compacted 5 earlier messages into a summary/);
    // The summary calls cost tokens like any call.
    assert.equal(s.counters.steps, 8, 'summaries are not steps');
  });

  for (const point of ['compaction:request', 'compaction:answered', 'after:compacted']) {
    it(`killed in the middle of a compaction (${point}) and resumed, the state equals an uninterrupted run's`, async () => {
      h = await harness(scenario(), FILES);
      const straight = h.runner(new ScriptedGate(), { context: CONTEXT });
      const a = await h.start(straight);
      assert.equal((await straight.run(a)).status, 'completed');
      const expected = await state(h, a);
      await h.close();

      h = await harness(scenario(point === 'compaction:answered' ? 2 : 1), FILES);
      const b = await h.start(h.runner());
      await assert.rejects(h.runner(new ScriptedGate(), { context: CONTEXT, probe: crashAt(point) }).run(b), Crash);
      const end = await h.runner(new ScriptedGate(), { context: CONTEXT }).run(b);
      assert.deepEqual(h.server.violations(), []);
      assert.equal(end.status, 'completed', end.reason);
      assert.deepEqual(h.server.violations(), []);
      // Only a summary whose answer died with the process is asked for again; no model turn is.
      assert.equal(h.server.duplicateTurns().length, point === 'compaction:answered' ? 1 : 0);
      assert.deepEqual(await state(h, b), expected);
    });
  }

  it('undo puts the summarized messages back, newest compaction first, and the journal keeps every original', async () => {
    h = await harness(scenario(), FILES);
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const s = await state(h, id);
    const [c1, c2] = s.compactions;
    await assert.rejects(runner.undoCompaction(id, c1?.id), /summarized again by a later compaction: undo that one first/);
    assert.deepEqual(await runner.undoCompaction(id), { compactionId: c2?.id, restored: 7 });
    assert.deepEqual(await runner.undoCompaction(id), { compactionId: c1?.id, restored: 5 });
    await assert.rejects(runner.undoCompaction(id), /has no compaction to undo/);
    // Every message the session ever had, in order, without the summaries.
    const events = await h.events(id);
    const all = events.flatMap((e) => {
      if (e.type === 'session_started') return [e.data.firstMessage];
      if (e.type === 'model_turn') return [e.data.message];
      if (e.type === 'message_added') return [e.data.message];
      return [];
    });
    const after = await state(h, id);
    assert.deepEqual(after.messages, all);
    assert.equal(after.compactions.length, 0);
    assert.ok(after.context.tokens > s.context.tokens, 'the estimate grows back');
    assert.match(describeEvent(events[events.length - 1] as RunnerEvent), /compaction undone .*5 messages restored/);
  });

  it('facts the user pins go verbatim into every later request; unpinning stops that', async () => {
    h = await harness(
      [read('r1', 10), finalText('ok', { systemContains: 'Pinned facts (kept verbatim for the whole session):\n- never touch vendor/' })],
      FILES,
    );
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    await runner.pinFact(id, '  never touch vendor/ ');
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    await runner.pinFact(id, 'never touch vendor/', true);
    assert.deepEqual((await state(h, id)).pinned, []);
    await assert.rejects(runner.pinFact(id, 'never touch vendor/', true), /is not pinned/);
  });

  it('a cut output says how to read the rest, and read_output pages through the kept whole', async () => {
    h = await harness(
      [
        toolUse('c1', 'run_command', { command: "node -e \"for (let i = 0; i < 4000; i++) console.log('line ' + i)\"" }),
        toolUse('o1', 'read_output', { call_id: 'c1', offset: 30000, length: 60 }, { toolResultFor: 'c1', lastUserContains: 'read_output with call_id "c1"' }),
        finalText('ok', { toolResultFor: 'o1', lastUserContains: 'line 3' }),
      ],
      FILES,
    );
    const runner = h.runner(new ScriptedGate());
    const id = await h.start(runner);
    const end = await runner.run(id);
    assert.deepEqual(h.server.violations(), []);
    assert.equal(end.status, 'completed', end.reason);
    const o1 = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === 'o1');
    assert.equal(o1?.isError, false);
    assert.match(o1?.content ?? '', /\[bytes 30000-30060 of \d+; continue with offset 30060\]/);
  });

  // The API's words for a request over the window, and when the input fits but input + max_tokens does not (the edge a projection that fell short reaches first).
  const overWindow: [string, string][] = [
    ['as over the context window is compacted and asked again, once', 'prompt is too long: 212000 tokens > 200000 maximum'],
    ['because its input and max_tokens exceed the context limit is compacted and asked again too', 'input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again'],
  ];
  for (const [what, refused] of overWindow) {
    it(`a request the API refuses ${what}`, async () => {
      h = await harness(
        [
          read('r1', 10),
          read('r2', 10),
          read('r3', 10),
          errorStep(400, { errorType: 'invalid_request_error', message: refused }),
          finalText('SUMMARY: read notes three times.', { systemContains: 'You summarize' }),
          finalText('done', { toolResultFor: 'r3', messageCount: 5 }),
        ],
        FILES,
      );
      const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
      const id = await h.start(runner);
      const end = await runner.run(id);
      assert.deepEqual(h.server.violations(), []);
      assert.equal(end.status, 'completed', end.reason);
      assert.equal((await state(h, id)).compactions.length, 1);
    });
  }

  it('a summary cut by its own max_tokens is not used: it is asked for again with twice the room, and the cut one is still paid for', async () => {
    const steps = scenario().slice(0, 6);
    steps.splice(4, 0, cutSummary('SUMMARY CUT: read notes.txt four times; what remains to', 1));
    h = await harness([...steps, { ...finalText('done', { toolResultFor: 'r5' }), ...usage(100) }], FILES);
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const summaries = h.server.requests().filter((q) => JSON.stringify((q.body as { system?: unknown }).system).includes('You summarize'));
    assert.deepEqual(summaries.map((q) => (q.body as { max_tokens: number }).max_tokens), [2048, 4096]);
    const s = await state(h, id);
    const first = await (await SessionJournal.open(h.store, id)).message(s.messages[0] as never);
    assert.match(String(first.content), /SUMMARY ONE/);
    assert.doesNotMatch(String(first.content), /SUMMARY CUT/);
    const compacted = (await h.events(id)).find((e) => e.type === 'compacted');
    assert.equal(compacted?.type === 'compacted' ? compacted.data.spent?.usage.input : undefined, 300);
  });

  it('a summary cut twice leaves the session uncompacted, and what both cost is counted', async () => {
    h = await harness([...scenario().slice(0, 4), cutSummary('SUMMARY CUT', 2), { ...finalText('done', { toolResultFor: 'r4', messageCount: 9 }), ...usage(100) }], FILES);
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const s = await state(h, id);
    assert.equal(s.compactions.length, 0);
    assert.deepEqual((await h.events(id)).flatMap((e) => (e.type === 'model_spent' ? [[e.data.why, e.data.usage.input]] : [])), [['summary', 600]]);
  });

  it('a summary that cannot be had leaves the session uncompacted, not failed; a second overflow fails it with the reason', async () => {
    h = await harness(
      [
        read('r1', 10),
        read('r2', 10),
        read('r3', 900),
        errorStep(400, { errorType: 'invalid_request_error', message: 'messages: malformed' }),
        // No compaction this turn: the model is asked with the whole history.
        { ...toolUse('r4', 'read_file', { path: 'notes.txt' }, { toolResultFor: 'r3', messageCount: 7 }), ...usage(10) },
        errorStep(400, { errorType: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' }),
        errorStep(529),
      ],
      FILES,
    );
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    const end = await runner.run(id);
    assert.equal(end.status, 'failed');
    assert.match(end.reason ?? '', /CONTEXT_OVERFLOW/);
    assert.equal((await state(h, id)).compactions.length, 0);
    assert.equal((await state(h, id)).counters.steps, 4);
  });
});
