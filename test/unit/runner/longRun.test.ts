import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_APPROVAL_POLICY } from '../../../src/core/runner/approvalPolicy';
import type { ModelTurnData, ToolResultData } from '../../../src/core/runner/runEvents';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import { errorStep, type StepInput } from '../../../src/core/scripted/scenario';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, toolUse, type Harness, withoutRunTime } from './runnerHarness';
import { invalidToolInput } from '../../../src/core/model/toolInputRepair';

/**
 * What an unattended session meets from the model server over an hour: outages, rate limits,
 * streams that break, an answer cut by max_tokens, a context that overflows, loops, budgets
 * running out, and a crash in the middle of any of it.
 */

const PRIMARY = 'claude-sonnet-4-6';
const FALLBACK = 'claude-haiku-4-5';
const FILES = { 'README.md': '# demo\n', 'keep.txt': 'precious\n', 'build/old.txt': 'old\n', 'notes.txt': 'hello\n' };
const AUTO = { ...DEFAULT_APPROVAL_POLICY, categories: { ...DEFAULT_APPROVAL_POLICY.categories, mutate: 'auto' as const } };

const turns = async (h: Harness, id: string): Promise<ModelTurnData[]> => (await h.events(id as never)).flatMap((e) => (e.type === 'model_turn' ? [e.data] : []));
const results = async (h: Harness, id: string): Promise<ToolResultData[]> => (await h.events(id as never)).flatMap((e) => (e.type === 'tool_result' ? [e.data] : []));
const exists = (p: string) => access(p).then(() => true, () => false);

describe('a long unattended session: model failures, cut answers, context overflow, budgets, and resume', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  describe('an answer cut by max_tokens inside a tool_use block', () => {
    // The API streams the input JSON up to the limit; the SDK drops the unfinished value, so the
    // input still validates: `rm -f *.txt` without its cwd would run in the workspace root.
    const cutTurn = (): StepInput => ({
      type: 'message',
      stop_reason: 'max_tokens',
      content: [
        { type: 'text', text: 'Reading, then cleaning the build folder.' },
        { type: 'tool_use', id: 'r1', name: 'read_file', input: { path: 'README.md' } },
        { type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'rm -f *.txt', cwd: 'build' }, inputJson: '{"command": "rm -f *.txt", "cwd": "bu' },
      ],
    });

    it('the cut call is never run (its input is incomplete); the complete calls before it run, and the model is told to call it again', async () => {
      const h = await harness([cutTurn(), finalText('calling it again with its whole input', { toolResultFor: 'c1', toolResultIsError: true, lastUserContains: 'max_tokens' })], FILES);
      const runner = h.runner();
      const id = await runner.start({ task: 'clean the build folder', models: [PRIMARY], policy: AUTO });
      const end = await runner.run(id);
      assert.equal(end.status, 'completed', end.reason);
      assert.deepEqual(h.server.violations(), []);
      assert.equal(await readFile(join(h.workspace, 'keep.txt'), 'utf8'), 'precious\n', 'the half-written command did not run in the workspace root');
      assert.ok(await exists(join(h.workspace, 'build/old.txt')), 'nor anywhere else');
      const r = await results(h, id);
      assert.deepEqual(r.map((x) => [x.callId, x.isError]), [['r1', false], ['c1', true]]);
      assert.match(r[1]?.content ?? '', /^Not run: .*max_tokens 8192.*incomplete/);
      // Kept as the model wrote it, marked unreadable: never a valid-looking input without its cwd, as the SDK made of it before.
      assert.equal(invalidToolInput(JSON.parse(r[1]?.key.slice('run_command '.length) ?? '{}'))?.json, '{"command": "rm -f *.txt", "cwd": "bu');
      assert.deepEqual((await turns(h, id))[0]?.calls, [{ id: 'r1', name: 'read_file' }, { id: 'c1', name: 'run_command', cut: true }]);
      const s = (await SessionJournal.open(h.store, id)).state;
      assert.deepEqual(s.counters.toolFailures, {}, 'a call that never reached its tool is not a failure of the tool');
    });

    it('the paid turn goes out fsynced with the answer to its cut call (no intent of a call that ran carries it)', async () => {
      const cutWrite: StepInput = { type: 'message', stop_reason: 'max_tokens', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.txt', content: 'x' }, inputJson: '{"path": "a.txt", "content": "the first li' }] };
      const h = await harness([cutWrite, finalText('ok', { toolResultFor: 'w1', toolResultIsError: true })], FILES);
      const commits: { types: string[]; deferSync: boolean }[] = [];
      const commit = h.store.commit.bind(h.store);
      h.store.commit = (step) => {
        commits.push({ types: step.events.map((e) => e.type), deferSync: step.deferSync === true });
        return commit(step);
      };
      const runner = h.runner();
      assert.equal((await runner.run(await h.start(runner))).status, 'completed');
      assert.deepEqual(commits.filter((c) => c.types.includes('model_turn')).map((c) => [c.types, c.deferSync]), [[['model_turn', 'tool_result', 'message_added'], false], [['model_turn'], false]]);
      assert.equal(await exists(join(h.workspace, 'a.txt')), false);
    });

    it('a crash right after the cut answer was journaled: the resumed run still does not run it, and asks the model nothing twice', async () => {
      const h = await harness([cutTurn(), finalText('ok', { toolResultFor: 'c1', toolResultIsError: true })], FILES);
      const id = await h.runner().start({ task: 'clean the build folder', models: [PRIMARY], policy: AUTO });
      await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('after:tool_started') }).run(id), Crash);
      assert.equal((await h.runner().run(id)).status, 'completed');
      assert.ok(await exists(join(h.workspace, 'keep.txt')));
      assert.deepEqual(h.server.violations(), []);
      assert.deepEqual(h.server.duplicateTurns(), []);
      assert.equal(h.server.requestCount(), 2);
    });
  });

  describe('model outages and rate limits', () => {
    it('a 529 storm longer than the breaker threshold, with no fallback model, is waited out rather than failing the session', async () => {
      const h = await harness([...Array.from({ length: 7 }, () => errorStep(529)), finalText('done after the storm')], FILES);
      const runner = h.runner();
      const id = await h.start(runner);
      const end = await runner.run(id);
      assert.equal(end.status, 'completed', end.reason);
      const [turn] = await turns(h, id);
      assert.equal(turn?.attempts, 8);
      assert.deepEqual(turn?.retries.map((r) => r.code), Array(7).fill('OVERLOADED'));
    });

    it('with a fallback model, the open circuit fails over, and the journal says which model answered', async () => {
      const h = await harness([errorStep(529, { model: PRIMARY, times: 'always' }), { ...finalText('from the fallback'), model: FALLBACK }], FILES);
      const runner = h.runner();
      const id = await runner.start({ task: 't', models: [PRIMARY, FALLBACK] });
      const end = await runner.run(id);
      assert.equal(end.status, 'completed', end.reason);
      const [turn] = await turns(h, id);
      assert.equal(turn?.model, FALLBACK);
      assert.equal(h.server.requests().filter((q) => q.model === PRIMARY).length, 5, 'the breaker opened after 5 outages in a row');
    });

    it('an outage that outlasts every retry fails the session with a reason that says so; resuming after it continues without asking any turn twice', async () => {
      const h = await harness([toolUse('r1', 'read_file', { path: 'README.md' }), errorStep(529, { times: 'always' })], FILES);
      const runner = h.runner();
      const id = await h.start(runner);
      const end = await runner.run(id);
      assert.equal(end.status, 'failed');
      assert.match(end.reason ?? '', /failed after retries \(OVERLOADED\).*resume the session to try again/);
      assert.equal((await h.store.getSession(id))?.status, 'failed');
      h.server.load([finalText('done', { toolResultFor: 'r1' })]);
      assert.equal((await h.runner().run(id)).status, 'completed');
      assert.deepEqual(h.server.duplicateTurns(), []);
      assert.equal((await turns(h, id)).length, 2);
    });

    it('a refused request (400) is not "after retries": the reason names what the API said', async () => {
      const h = await harness([errorStep(400, { message: 'tools.0: bad schema' })], FILES);
      const runner = h.runner();
      const end = await runner.run(await h.start(runner));
      assert.equal(end.status, 'failed');
      assert.match(end.reason ?? '', /^the model call failed \(BAD_REQUEST\): .*bad schema/);
      assert.equal(h.server.requestCount(), 1);
    });

    it('a model name the API does not know (404) says so in the API\'s words, not as a JSON body', async () => {
      const h = await harness([errorStep(404, { message: 'model: claude-nope' })], FILES);
      const runner = h.runner();
      const end = await runner.run(await h.start(runner));
      assert.equal(end.status, 'failed');
      assert.match(end.reason ?? '', /\(BAD_REQUEST\): the model or endpoint was not found \(404: model: claude-nope\): check the model name/);
      assert.doesNotMatch(end.reason ?? '', /[{}]/);
    });

    it('a key the API refuses (401) is not retried, and the reason says the key is wrong and how to set it', async () => {
      const h = await harness([errorStep(401, { message: 'invalid x-api-key' }), finalText('unused')], FILES);
      const runner = h.runner();
      const end = await runner.run(await h.start(runner));
      assert.equal(end.status, 'failed');
      assert.match(end.reason ?? '', /\(AUTH\): the API key was refused \(401: invalid x-api-key\)/);
      assert.match(end.reason ?? '', /Savepoint: Set API Key/);
      assert.match(end.reason ?? '', /ANTHROPIC_API_KEY/);
      assert.equal(h.server.requestCount(), 1);
    });

    for (const [what, broken] of [
      ['a stream cut mid tool_use (connection reset)', { cut: { afterEvents: 9 } }],
      ['a stream that ends cleanly mid tool_use, without message_stop', { cut: { afterEvents: 9, mode: 'end' as const } }],
      ['a 500 error event mid-stream', { streamError: { afterEvents: 9, errorType: 'api_error', message: 'Internal server error' } }],
    ] as const) {
      it(`${what} is retried; the call runs once, with its whole input`, async () => {
        const write = (extra: object): StepInput => ({ ...toolUse('w1', 'write_file', { path: 'out.txt', content: 'the whole content\n' }), ...extra });
        const h = await harness([write(broken), write({}), finalText('done', { toolResultFor: 'w1', toolResultIsError: false })], FILES);
        const runner = h.runner();
        const id = await runner.start({ task: 't', models: [PRIMARY], policy: AUTO });
        assert.equal((await runner.run(id)).status, 'completed');
        assert.equal(await readFile(join(h.workspace, 'out.txt'), 'utf8'), 'the whole content\n');
        assert.equal((await results(h, id)).length, 1);
        assert.equal((await turns(h, id))[0]?.attempts, 2);
        assert.deepEqual(h.server.violations(), []);
      });
    }
  });

  describe('the context window', () => {
    const CONTEXT = { window: 1000, threshold: 0.7, keepTurns: 2 };
    const read = (id: string): StepInput => ({ type: 'message', content: [{ type: 'tool_use', id, name: 'read_file', input: { path: 'notes.txt' } }], usage: { input_tokens: 10, output_tokens: 5 } });
    const tooLong = () => errorStep(400, { errorType: 'invalid_request_error', message: 'prompt is too long: 212000 tokens > 200000 maximum' });
    /** Four reads, then a request refused as too long before the first compaction and again after it. */
    const overflowTwice = (): StepInput[] => [
      read('r1'),
      read('r2'),
      read('r3'),
      read('r4'),
      tooLong(),
      finalText('SUMMARY ONE', { systemContains: 'You summarize' }),
      tooLong(),
      finalText('SUMMARY TWO', { systemContains: 'You summarize', lastUserContains: 'SUMMARY ONE' }),
    ];

    it('refused as too long again after compacting (the kept turns are too large themselves): only the last turn is kept, and the session goes on', async () => {
      const h = await harness(
        [
          ...overflowTwice(),
          // The summary and the last turn with its results.
          finalText('done', { toolResultFor: 'r4', messageCount: 3 }),
        ],
        FILES,
      );
      const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
      const id = await h.start(runner);
      const end = await runner.run(id);
      assert.deepEqual(h.server.violations(), []);
      assert.equal(end.status, 'completed', end.reason);
      assert.equal((await SessionJournal.open(h.store, id)).state.compactions.length, 2);
    });

    it('killed in the middle of that second compaction and resumed: the state equals an uninterrupted run\'s, nothing lost or doubled', async () => {
      const steps = (again: StepInput[]) => [
        ...overflowTwice(),
        ...again,
        finalText('done', { toolResultFor: 'r4', messageCount: 3 }),
      ];
      let h = await harness(steps([]), FILES);
      const straight = h.runner(new ScriptedGate(), { context: CONTEXT });
      const a = await h.start(straight);
      assert.equal((await straight.run(a)).status, 'completed');
      const expected = withoutRunTime((await SessionJournal.open(h.store, a)).state);
      await h.close();

      // The answer of the second summary dies with the process: the resumed run is refused once more and asks for it again.
      h = await harness(steps([tooLong(), finalText('SUMMARY TWO', { systemContains: 'You summarize', lastUserContains: 'SUMMARY ONE' })]), FILES);
      const b = await h.start(h.runner());
      let answered = 0;
      const probe = (p: string) => p === 'compaction:answered' && ++answered === 2 && crashAt(p)(p);
      await assert.rejects(h.runner(new ScriptedGate(), { context: CONTEXT, probe }).run(b), Crash);
      assert.equal((await SessionJournal.open(h.store, b)).state.compactions.length, 1);
      const end = await h.runner(new ScriptedGate(), { context: CONTEXT }).run(b);
      assert.equal(end.status, 'completed', end.reason);
      assert.deepEqual(h.server.violations(), []);
      assert.deepEqual(withoutRunTime((await SessionJournal.open(h.store, b)).state), expected);
    });

    it('refused a third time, the session fails and says why', async () => {
      const h = await harness([read('r1'), read('r2'), read('r3'), tooLong(), finalText('S1', { systemContains: 'You summarize' }), tooLong(), finalText('S2', { systemContains: 'You summarize' }), tooLong()], FILES);
      const runner = h.runner(new ScriptedGate(), { context: CONTEXT });
      const end = await runner.run(await h.start(runner));
      assert.equal(end.status, 'failed');
      assert.match(end.reason ?? '', /^the model call failed \(CONTEXT_OVERFLOW\)/);
      assert.equal(h.server.remainingSteps(), 0);
    });
  });

  describe('budgets and loops across a crash', () => {
    it('a cost budget spent before a crash is still spent after the resume: the next process asks before any model request, in dollars a person reads', async () => {
      // 10 input + 5 output tokens of Sonnet: $0.000105 a turn.
      const h = await harness([read('r1'), read('r2'), read('r3'), finalText('done')], FILES);
      const id = await h.runner().start({ task: 't', models: [PRIMARY], budgets: { maxCostUsd: 0.0002 } });
      await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('after:message_added') }).run(id), Crash);
      await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('after:message_added') }).run(id), Crash);
      const before = h.server.requestCount();
      const gate = new ScriptedGate(() => ({ decision: 'reject', text: 'stop here' }));
      const end = await h.runner(gate).run(id);
      assert.equal(h.server.requestCount(), before, 'no model request once the budget is spent');
      assert.equal(end.status, 'failed');
      assert.deepEqual(gate.asked.map((a) => a.reasons), [['cost budget used: $0.00021 of $0.0002']]);
      assert.match(end.reason ?? '', /stopped by the user: cost budget used: \$0\.00021 of \$0\.0002 \(stop here\)/);
    });

    it('the same call repeated on both sides of a crash is still a loop', async () => {
      const same = (id: string) => toolUse(id, 'list_files', { dir: '.' });
      const h = await harness([same('l1'), same('l2'), same('l3'), finalText('stopping', { lastUserContains: 'stop listing' })], FILES);
      const id = await h.start(h.runner());
      await assert.rejects(h.runner(new ScriptedGate(), { probe: (p) => p === 'after:message_added' && h.server.requestCount() === 2 && crashAt(p)(p) }).run(id), Crash);
      const gate = new ScriptedGate((r) => (r.kind === 'loop' ? { decision: 'respond', text: 'stop listing and finish' } : { decision: 'approve' }));
      assert.equal((await h.runner(gate).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['loop']);
      assert.deepEqual(h.server.duplicateTurns(), []);
    });
  });
});

function read(id: string): StepInput {
  return toolUse(id, 'read_file', { path: 'notes.txt' });
}
