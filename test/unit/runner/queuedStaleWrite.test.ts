import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApprovalPolicy } from '../../../src/core/runner/approvalPolicy';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

const ORIGINAL = 'function one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n\nfunction three() {\n  return 3;\n}\n';
const OURS = ORIGINAL.replace('return 1;', 'return 100;');
const THEIRS_ELSEWHERE = ORIGINAL.replace('return 3;', 'return 3; // tuned by hand');
const THEIRS_SAME = ORIGINAL.replace('return 1;', 'return -1; // mine');

/** Edits and commands go ahead without asking, but for the one command the user always wants to be asked about. */
const EDITS_AUTO: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: ['^sleep 0$'] };

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

/**
 * The model reads src/f.ts, then asks in one turn for a command (which waits for the user) and a
 * whole-file write of src/f.ts made from what it read. The write is planned only once the command
 * is answered: if the user edited the file while the session waited, the write is stale.
 */
const STEPS = (): StepInput[] => [
  toolUse('r1', 'read_file', { path: 'src/f.ts' }),
  {
    type: 'message',
    content: [
      { type: 'text', text: 'test, then write' },
      { type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'sleep 0' } },
      { type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'src/f.ts', content: OURS } },
    ],
    expect: { toolResultFor: 'r1' },
  },
  finalText('done', { toolResultFor: 'w1' }),
];

describe('a queued write of a file changed outside the session since the model last saw it', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function waitThenEdit(outside: string) {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await runner.start({ task: 'do the task', models: ['claude-sonnet-4-6'], policy: EDITS_AUTO });
    assert.equal((await runner.run(id)).status, 'waiting');
    // While the session waits at the command, the user edits the file the queued write replaces.
    await writeFile(join(h.workspace, 'src/f.ts'), outside);
    return id;
  }

  it('is merged with the outside change to other lines (never written over it), and the model is told', async () => {
    const id = await waitThenEdit(THEIRS_ELSEWHERE);
    const gate = new ScriptedGate();
    assert.equal((await h!.runner(gate).run(id)).status, 'completed');
    assert.equal(await readFile(join(h!.workspace, 'src/f.ts'), 'utf8'), OURS.replace('return 3;', 'return 3; // tuned by hand'), "the user's edit was lost");
    const w1 = results(await h!.events(id)).find((r) => r.callId === 'w1');
    assert.match(w1?.content ?? '', /merged with changes made outside the session/);
    assert.match(w1?.content ?? '', /^\+ {2}return 3; \/\/ tuned by hand$/m);
  });

  it('changed on the same lines: the user is asked even though edits go ahead unasked, and a rejection keeps their version', async () => {
    const id = await waitThenEdit(THEIRS_SAME);
    const gate = new ScriptedGate((r) => (r.tool === 'write_file' ? { decision: 'reject', text: 'keep mine' } : { decision: 'approve' }));
    assert.equal((await h!.runner(gate).run(id)).status, 'completed');
    const asked = gate.asked.find((a) => a.tool === 'write_file');
    assert.ok(asked, 'the stale write went ahead without asking');
    assert.match(asked.reasons.join(' '), /src\/f\.ts changed outside the session/);
    assert.equal(await readFile(join(h!.workspace, 'src/f.ts'), 'utf8'), THEIRS_SAME);
    assert.equal(results(await h!.events(id)).find((r) => r.callId === 'w1')?.isError, true);
  });

  it('asked about by the policy: the question shows the merge, and its approval writes the merge', async () => {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await runner.start({ task: 'do the task', models: ['claude-sonnet-4-6'] });
    assert.equal((await runner.run(id)).status, 'waiting');
    await writeFile(join(h.workspace, 'src/f.ts'), THEIRS_ELSEWHERE);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    const asked = gate.asked.find((a) => a.tool === 'write_file');
    assert.doesNotMatch(asked?.diff ?? '', /^- {2}return 3; \/\/ tuned by hand$/m, "the question showed the user's change taken out");
    assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), OURS.replace('return 3;', 'return 3; // tuned by hand'));
    assert.match(results(await h.events(id)).find((r) => r.callId === 'w1')?.content ?? '', /merged with changes made outside the session/);
  });

  it('asked about by the policy and answered with Edit (the content shown, one line changed): the edit is merged too, the user\'s change kept', async () => {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await runner.start({ task: 'do the task', models: ['claude-sonnet-4-6'] });
    assert.equal((await runner.run(id)).status, 'waiting');
    await writeFile(join(h.workspace, 'src/f.ts'), THEIRS_ELSEWHERE);
    // Edit opens the call's content (the model's, made from what it read) and runs what the user makes of it.
    const edited = OURS.replace('return 2;', 'return 20;');
    const gate = new ScriptedGate((r) => (r.tool === 'write_file' ? { decision: 'edit', input: { ...(r.input as object), content: edited } } : { decision: 'approve' }));
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), edited.replace('return 3;', 'return 3; // tuned by hand'), "the user's own change, kept in the question's diff, was written over by the edited content");
    assert.match(results(await h.events(id)).find((r) => r.callId === 'w1')?.content ?? '', /merged with changes made outside the session/);
  });

  it('unchanged since the model read it: written as planned, nothing asked and nothing said about a merge', async () => {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const runner = h.runner(new ScriptedGate(() => 'park'));
    const id = await runner.start({ task: 'do the task', models: ['claude-sonnet-4-6'], policy: EDITS_AUTO });
    assert.equal((await runner.run(id)).status, 'waiting');
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.tool), ['run_command']);
    assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), OURS);
    assert.doesNotMatch(results(await h.events(id)).find((r) => r.callId === 'w1')?.content ?? '', /merged/);
  });
});
