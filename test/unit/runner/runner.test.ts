import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { DEFAULT_APPROVAL_POLICY } from '../../../src/core/runner/approvalPolicy';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

const FILES = { 'src/a.ts': 'export const x = 1;\n', 'README.md': '# demo\n' };

/** read → edit (asks) → command (asks) → done. */
const MAIN = () => [
  toolUse('r1', 'read_file', { path: 'src/a.ts' }),
  toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'const x = 1;', new_text: 'const x = 2;' }, { toolResultFor: 'r1', toolResultIsError: false }),
  toolUse('c1', 'run_command', { command: 'echo ran >> log.txt' }, { toolResultFor: 'e1' }),
  finalText('done', { toolResultFor: 'c1' }),
];

const results = (events: Awaited<ReturnType<Harness['events']>>): ToolResultData[] =>
  events.flatMap((e) => (e.type === 'tool_result' ? [e.data] : []));

describe('durable runner (scripted model server, real LevelDB, real files and processes)', function () {
  let h: Harness;
  afterEach(async () => h?.close());

  it('runs a session to completion: every step journaled, approvals asked for the edit and the command, nothing requested twice', async () => {
    h = await harness(MAIN(), FILES);
    const gate = new ScriptedGate();
    const runner = h.runner(gate);
    const id = await h.start(runner, 'bump x and log it');
    const out = await runner.run(id);
    assert.equal(out.status, 'completed');
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), 'export const x = 2;\n');
    assert.equal(await readFile(join(h.workspace, 'log.txt'), 'utf8'), 'ran\n');
    assert.deepEqual(gate.asked.map((a) => [a.kind, a.tool]), [['tool', 'edit_file'], ['tool', 'run_command']]);
    assert.match(gate.asked[0]?.diff ?? '', /-export const x = 1;\n\+export const x = 2;/);
    assert.deepEqual(h.server.violations(), []);
    assert.deepEqual(h.server.duplicateTurns(), []);
    assert.equal(h.server.requestCount(), 4);
    const summary = await h.store.getSession(id);
    assert.equal(summary?.status, 'completed');
    assert.equal(summary?.stepCount, 4);
    assert.ok((summary?.tokens.input ?? 0) > 0);
    const effects = await h.store.listEffects(id);
    assert.deepEqual(effects.map((e) => [e.actionId, !!e.intent, !!e.result]), [['r1', true, true], ['e1', true, true], ['c1', true, true]]);
    // Running a completed session again does nothing.
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.equal(h.server.requestCount(), 4);
  });

  it('parks on an approval without holding a process, and a later runner continues from the journal without asking the model again', async () => {
    h = await harness(MAIN(), FILES);
    const first = h.runner(new ScriptedGate(() => 'park'));
    const id = await h.start(first);
    assert.equal((await first.run(id)).status, 'waiting');
    const parked = await h.store.getSession(id);
    assert.equal(parked?.status, 'waiting');
    assert.equal(parked?.pendingApproval?.tool, 'edit_file');
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), FILES['src/a.ts'], 'nothing applied before the decision');
    const requestsBefore = h.server.requestCount();

    const gate = new ScriptedGate((r) => (r.tool === 'run_command' ? { decision: 'respond', text: 'I ran it myself' } : { decision: 'approve' }));
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.equal(gate.asked[0]?.approvalId, parked?.pendingApproval?.id, 'the same request is asked again, not a new one');
    assert.equal(h.server.requestCount() - requestsBefore, 2, 'only the two turns never journaled were requested');
    assert.deepEqual(h.server.duplicateTurns(), []);
    const c1 = results(await h.events(id)).find((r) => r.callId === 'c1');
    assert.match(c1?.content ?? '', /I ran it myself/);
    await assert.rejects(readFile(join(h.workspace, 'log.txt')), 'the command did not run: the user answered instead');
  });

  for (const [point, recovered] of [['inside:edit_file', 'applied'], ['applied:edit_file', 'already_applied']] as const) {
    it(`a file edit in flight at a crash (${point}) is reconciled by hash: ${recovered}, applied exactly once`, async () => {
      h = await harness(MAIN(), FILES);
      const id = await h.start(h.runner());
      await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt(point) }).run(id), Crash);
      assert.equal((await h.runner().run(id)).status, 'completed');
      const e1 = results(await h.events(id)).filter((r) => r.callId === 'e1');
      assert.equal(e1.length, 1);
      assert.equal(e1[0]?.recovered, recovered);
      assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), 'export const x = 2;\n');
      assert.deepEqual(h.server.violations(), []);
      assert.deepEqual(h.server.duplicateTurns(), []);
    });
  }

  it('a file changed outside the session while its edit was in flight is a conflict for the user, never overwritten silently', async () => {
    h = await harness(MAIN(), FILES);
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:edit_file') }).run(id), Crash);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(h.workspace, 'src/a.ts'), 'export const x = 42; // mine\n');
    const gate = new ScriptedGate((r) => (r.kind === 'conflict' ? { decision: 'reject', text: 'keep mine' } : { decision: 'approve' }));
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.equal(gate.asked[0]?.kind, 'conflict');
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), 'export const x = 42; // mine\n');
    const e1 = results(await h.events(id)).find((r) => r.callId === 'e1');
    assert.equal(e1?.isError, true);
    assert.equal(e1?.recovered, 'skipped');
  });

  it('a command in flight at a crash is never re-run without the user, who is told it may have partly run', async () => {
    h = await harness(MAIN(), FILES);
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('applied:run_command') }).run(id), Crash);
    assert.equal(await readFile(join(h.workspace, 'log.txt'), 'utf8'), 'ran\n');
    const gate = new ScriptedGate((r) => (r.kind === 'command_rerun' ? { decision: 'reject', text: 'it already ran' } : { decision: 'approve' }));
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['command_rerun']);
    assert.match(gate.asked[0]?.reasons.join(' ') ?? '', /may have partly run/);
    assert.equal(await readFile(join(h.workspace, 'log.txt'), 'utf8'), 'ran\n', 'ran once');
  });

  it('fsyncs every intent before its call runs, a read\'s too: it carries the paid model turn', async () => {
    // Edits and commands on auto: each intent goes out with its model turn, not after a synced approval.
    h = await harness([toolUse('r1', 'read_file', { path: 'src/a.ts' }), toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'const x = 1;', new_text: 'const x = 2;' }, { toolResultFor: 'r1' }), toolUse('c1', 'run_command', { command: 'echo ran >> log.txt' }, { toolResultFor: 'e1' }), finalText('done', { toolResultFor: 'c1' })], FILES);
    const commits: { types: string[]; deferSync: boolean }[] = [];
    const commit = h.store.commit.bind(h.store);
    h.store.commit = (step) => {
      commits.push({ types: step.events.map((e) => (e.type === 'tool_started' ? `tool_started ${(e.data as { callId: string }).callId}` : e.type)), deferSync: step.deferSync === true });
      return commit(step);
    };
    const policy = { ...DEFAULT_APPROVAL_POLICY, categories: { ...DEFAULT_APPROVAL_POLICY.categories, mutate: 'auto' as const } };
    const id = await h.runner().start({ task: 'bump x and log it', models: ['claude-sonnet-4-6'], policy });
    assert.equal((await h.runner().run(id)).status, 'completed');
    const of = (what: string) => commits.filter((c) => c.types.includes(what));
    for (const call of ['r1', 'e1', 'c1']) assert.deepEqual(of(`tool_started ${call}`).map((c) => [c.types.includes('model_turn'), c.deferSync]), [[true, false]], `${call}: intent and model turn in one fsynced batch`);
    assert.ok(commits.some((c) => c.deferSync), 'results are not fsynced on their own (the next intent covers them)');
    assert.deepEqual(results(await h.events(id)).map((r) => r.callId), ['r1', 'e1', 'c1']);
  });

  it('a read in flight at a crash simply runs again', async () => {
    h = await harness(MAIN(), FILES);
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:read_file') }).run(id), Crash);
    assert.equal((await h.runner().run(id)).status, 'completed');
    assert.equal(results(await h.events(id)).find((r) => r.callId === 'r1')?.recovered, 'rerun');
  });

  it('invalid input, unknown tools and paths outside the workspace go back to the model as is_error results', async () => {
    h = await harness(
      [
        {
          type: 'message',
          content: [
            { type: 'tool_use', id: 'p1', name: 'read_file', input: { path: '../../etc/passwd' } },
            { type: 'tool_use', id: 'p2', name: 'read_file', input: { file: 'a' } },
            { type: 'tool_use', id: 'p3', name: 'format_disk', input: {} },
          ],
        },
        finalText('ok', { toolResultFor: 'p1', toolResultIsError: true }),
      ],
      FILES,
    );
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const r = results(await h.events(id));
    assert.deepEqual(r.map((x) => [x.callId, x.isError]), [['p1', true], ['p2', true], ['p3', true]]);
    assert.match(r[0]?.content ?? '', /outside the workspace/i);
    assert.match(r[1]?.content ?? '', /path/);
    assert.match(r[2]?.content ?? '', /no tool named/i);
    assert.deepEqual(h.server.violations(), []);
  });

  it('429 / 529 / 500 and a stream cut mid-message are retried; the turn is journaled once with its retries', async () => {
    h = await harness(
      [
        { type: 'error', status: 429, retryAfter: 0.01 },
        { type: 'error', status: 529 },
        { type: 'error', status: 500 },
        { type: 'message', content: [{ type: 'text', text: 'partial answer that will be cut' }], cut: { afterEvents: 3 } },
        finalText('finished after the storm'),
      ],
      FILES,
    );
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const turns = (await h.events(id)).flatMap((e) => (e.type === 'model_turn' ? [e.data] : []));
    assert.equal(turns.length, 1);
    assert.equal(turns[0]?.attempts, 5);
    assert.deepEqual(turns[0]?.retries.map((r) => r.code), ['RATE_LIMITED', 'OVERLOADED', 'SERVER', 'STREAM_INTERRUPTED']);
    assert.deepEqual(h.server.duplicateTurns(), []);
  });

  it('a used-up step budget stops and asks; raising it continues, stopping fails the session with the reason', async () => {
    const steps = () => [toolUse('r1', 'read_file', { path: 'README.md' }), toolUse('r2', 'read_file', { path: 'src/a.ts' }), finalText('done')];
    h = await harness(steps(), FILES);
    const runner = h.runner(new ScriptedGate((r) => (r.kind === 'budget' ? { decision: 'reject', text: 'enough' } : { decision: 'approve' })));
    const id = await runner.start({ task: 't', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    const out = await runner.run(id);
    assert.equal(out.status, 'failed');
    assert.match(out.reason ?? '', /steps budget used: 1 of 1.*enough/);
    await h.close();

    h = await harness(steps(), FILES);
    const gate = new ScriptedGate();
    const r2 = h.runner(gate);
    const id2 = await r2.start({ task: 't', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 1 } });
    assert.equal((await r2.run(id2)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['budget', 'budget']);
    const changed = (await h.events(id2)).flatMap((e) => (e.type === 'budgets_changed' ? [e.data.budgets.maxSteps] : []));
    assert.deepEqual(changed, [2, 4]);
  });

  it('a loop (the same call again and again) escalates to the user, whose reply reaches the model', async () => {
    const same = (id: string) => toolUse(id, 'list_files', { dir: '.' });
    h = await harness([same('l1'), same('l2'), same('l3'), finalText('ok, stopping', { lastUserContains: 'stop listing' })], FILES);
    const gate = new ScriptedGate((r) => (r.kind === 'loop' ? { decision: 'respond', text: 'stop listing and finish' } : { decision: 'approve' }));
    const runner = h.runner(gate);
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['loop']);
    assert.deepEqual(h.server.violations(), []);
  });

  it('budget counters come from the journal: a new process does not reset them', async () => {
    h = await harness([toolUse('r1', 'read_file', { path: 'README.md' }), toolUse('r2', 'read_file', { path: 'README.md' }), finalText('done')], FILES);
    const first = h.runner(new ScriptedGate(() => 'park'));
    const id = await first.start({ task: 't', models: ['claude-sonnet-4-6'], budgets: { maxSteps: 2 } });
    assert.equal((await first.run(id)).status, 'waiting');
    const summary = await h.store.getSession(id);
    assert.equal(summary?.stepCount, 2);
    assert.equal(summary?.pendingApproval?.tool, 'budget');
  });

  it('on resume, the model is told about files the session worked on that changed outside it, after the pending results', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'const x = 1;', new_text: 'const x = 2;' }),
        toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'e1' }),
        finalText('noted', { toolResultFor: 'c1', lastUserContains: 'src/a.ts was changed outside the session:\nadded function `reviewed` in src/a.ts\n' }),
      ],
      FILES,
    );
    const first = h.runner(new ScriptedGate((r) => (r.tool === 'run_command' ? 'park' : { decision: 'approve' })));
    const id = await h.start(first);
    assert.equal((await first.run(id)).status, 'waiting');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(h.workspace, 'src/a.ts'), 'export const x = 2; // reviewed by me\nexport function reviewed() {\n  return true;\n}\n');
    const outliner = await AstOutliner.create();
    assert.equal((await h.runner(undefined, { outliner }).run(id)).status, 'completed');
    outliner.dispose();
    assert.deepEqual(h.server.violations(), [], 'the drift note came after the tool results, in the same user message');
    const drift = (await h.events(id)).filter((e) => e.type === 'message_added' && e.data.reason === 'drift');
    assert.equal(drift.length, 1);
  });

  it('on resume, the model is also told about a file it only read that changed since, and the read is journaled with its hash', async () => {
    h = await harness(
      [
        toolUse('r1', 'read_file', { path: 'src/a.ts' }),
        toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'r1' }),
        finalText('noted', { toolResultFor: 'c1', lastUserContains: 'src/a.ts was changed outside the session since you read it' }),
      ],
      FILES,
    );
    const first = h.runner(new ScriptedGate((r) => (r.tool === 'run_command' ? 'park' : { decision: 'approve' })));
    const id = await h.start(first);
    assert.equal((await first.run(id)).status, 'waiting');
    const read = (await h.events(id)).find((e) => e.type === 'tool_result' && e.data.callId === 'r1');
    const seen = (read?.data as { seen?: { path: string; hash: string }[] }).seen;
    assert.deepEqual(seen?.map((s) => s.path), ['src/a.ts']);
    assert.ok(await h.store.hasBlob(seen?.[0]?.hash as never), 'what the model read is kept, for the diff');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(h.workspace, 'src/a.ts'), 'export const x = 1; // changed by the user\n');
    assert.equal((await h.runner().run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
  });

  it('an abort pauses at the next boundary; resume continues', async () => {
    h = await harness(MAIN(), FILES);
    const ac = new AbortController();
    const runner = h.runner(new ScriptedGate(), { probe: (p) => p === 'after:tool_result' && ac.abort('pause requested') });
    const id = await h.start(runner);
    const out = await runner.run(id, ac.signal);
    assert.equal(out.status, 'paused');
    assert.equal((await h.store.getSession(id))?.status, 'paused');
    assert.equal((await h.runner().run(id)).status, 'completed');
    assert.deepEqual(h.server.duplicateTurns(), []);
  });
});
