import assert from 'node:assert/strict';
import { describeEvent } from '../../../src/core/runner/timeline';
import { applyEvents, emptyTimeline } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import { errorStep, type StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

const CONTEXT = { window: 1000, threshold: 0.7, keepTurns: 2 };
const usage = (input: number) => ({ usage: { input_tokens: input, output_tokens: 5 } });
const read = (id: string, input: number): StepInput => ({ ...toolUse(id, 'read_file', { path: 'notes.txt' }), ...usage(input) });
const FILES = { 'notes.txt': 'hello\n' };

describe("a compaction's retries are listed where the user looks, as a model turn's are", function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('a summary that came after two retries: the compacted record, its timeline line and its sidebar note name them', async () => {
    h = await harness(
      [
        read('r1', 200),
        read('r2', 400),
        read('r3', 750),
        errorStep(529),
        errorStep(500, { errorType: 'api_error', message: 'Internal server error' }),
        finalText('SUMMARY: read notes.txt three times.', { systemContains: 'You summarize' }),
        { ...finalText('done', { toolResultFor: 'r3' }), ...usage(100) },
      ],
      FILES,
    );
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const events = await h.events(id);
    const compacted = events.find((e) => e.type === 'compacted');
    assert.ok(compacted?.type === 'compacted');
    assert.deepEqual(compacted.data.retries?.map((r) => [r.attempt, r.code]), [[1, 'OVERLOADED'], [2, 'SERVER']]);
    assert.match(describeEvent(compacted), /compacted .*; 2 retries \(OVERLOADED, SERVER\)/);
    // The model turns' lines still name none: the retries were the summary's.
    for (const e of events) if (e.type === 'model_turn') assert.doesNotMatch(describeEvent(e), /retr/);
    const journal: JournalEvent[] = [];
    for await (const e of h.store.readEvents(id)) journal.push(e);
    const view = emptyTimeline();
    applyEvents(view, journal, { messageText: () => undefined, lineStats: () => undefined });
    const note = [...view.entries.values()].find((x) => x.kind === 'note' && /compacted/.test(x.text));
    assert.match(note?.kind === 'note' ? note.text : '', /2 retries \(OVERLOADED, SERVER\)/);
  });

  it('a summary that could not be had after its retries: the billed note says how many retries it took', async () => {
    h = await harness(
      [
        read('r1', 200),
        read('r2', 400),
        read('r3', 750),
        { ...errorStep(529), times: 10 },
      ],
      FILES,
    );
    const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
    const id = await h.start(runner);
    await runner.run(id);
    const spent = (await h.events(id)).find((e) => e.type === 'model_spent' && e.data.why === 'summary');
    assert.ok(spent?.type === 'model_spent', 'the failed summary is journaled');
    assert.ok((spent.data.retries?.length ?? 0) > 0);
    assert.match(describeEvent(spent), /summary.*\d+ retr(y|ies) \(OVERLOADED\)/);
  });
});
