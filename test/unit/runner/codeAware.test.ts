import assert from 'node:assert/strict';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { lstat, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDrift } from '../../../src/core/checkpoints/drift';
import { loadFileHistory } from '../../../src/core/checkpoints/fileHistory';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { ToolCalls } from '../../../src/core/runner/toolCalls';
import type { Tool } from '../../../src/core/tools/tool';
import { sha } from '../checkpoints/checkpointHarness';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';
import { type StepOutline, formatOutline, stepOutlines } from '../../../src/core/checkpoints/stepOutlines';
import { referencedBlobs } from '../../../src/core/checkpoints/fork';
import { CheckpointError, readJournal } from '../../../src/core/checkpoints/checkpointEvents';

describe('code-aware steps: what commands change is captured, symbol deltas are journaled', function () {
  let h: Harness;
  let capture: NodeChangeCapture | undefined;
  afterEach(async () => {
    await capture?.dispose();
    await h?.close();
  });

  /** Runs the scripted session to completion with the real change capture and the real outliner. */
  async function runWithCaptureAndOutliner() {
    capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    const outliner = await AstOutliner.create();
    const runner = h.runner(new ScriptedGate(), { capture, outliner });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    return { id, outliner };
  }

  it('a command that creates, edits and deletes files is journaled with its side effects, their contents as blobs, and the symbols it changed', async () => {
    h = await harness(
      [
        toolUse('c1', 'run_command', { command: "printf 'gen\\n' > gen.txt && chmod +x gen.txt && sed -i 's/x = 1/x = 2/' src/a.ts && rm old.txt" }),
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'export const x = 2;', new_text: 'export const x = 2;\nexport function twice(n: number) {\n  return 2 * n;\n}' }, { toolResultFor: 'c1', lastUserContains: 'files changed by the command' }),
        finalText('done', { toolResultFor: 'e1' }),
      ],
      { 'src/a.ts': 'export const x = 1;\n', 'old.txt': 'bye\n', '.gitignore': 'ignored/\n' },
    );
    const { id, outliner } = await runWithCaptureAndOutliner();
    const results = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));
    const c1 = results.find((r) => r.callId === 'c1');
    assert.deepEqual(c1?.sideEffects?.map((s) => [s.path, s.kind]), [['gen.txt', 'created'], ['old.txt', 'deleted'], ['src/a.ts', 'modified']]);
    assert.equal(c1?.sideEffects?.find((s) => s.path === 'gen.txt')?.afterExec, true, 'the execute bit a rewind sets again');
    const modified = c1?.sideEffects?.find((s) => s.path === 'src/a.ts');
    assert.equal(new TextDecoder().decode(await h.store.getBlob(modified?.afterHash as never)), 'export const x = 2;\n');
    assert.equal(new TextDecoder().decode(await h.store.getBlob(modified?.beforeHash as never)), 'export const x = 1;\n', 'the old contents are kept for rewind');
    assert.ok(c1?.symbols?.some((l) => /changed .*`x`.* in src\/a\.ts/.test(l)), JSON.stringify(c1?.symbols));
    const e1 = results.find((r) => r.callId === 'e1');
    assert.ok(e1?.symbols?.some((l) => /added function `twice` in src\/a\.ts/.test(l)), JSON.stringify(e1?.symbols));
    assert.equal(e1?.sideEffects, undefined, 'edits by the file tools are journaled as mutations, not as side effects');
    assert.deepEqual(h.server.violations(), []);
    outliner.dispose();
  });

  it('each step keeps the outline of the files it left (the AST snapshot), readable by step or by file, and a fork keeps them', async () => {
    h = await harness(
      [
        toolUse('c1', 'run_command', { command: "sed -i 's/x = 1/x = 2/' src/a.ts && printf 'def f():\\n    return 1\\n' > tool.py" }),
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'export const x = 2;', new_text: 'export const x = 2;\nexport function twice(n: number) {\n  return 2 * n;\n}' }, { toolResultFor: 'c1' }),
        toolUse('d1', 'delete_file', { path: 'src/a.ts' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'd1' }),
      ],
      { 'src/a.ts': 'export const x = 1;\n' },
    );
    const { id, outliner } = await runWithCaptureAndOutliner();
    const events = await readJournal(h.store, id);
    const result = (callId: string) => events.find((e) => e.type === 'tool_result' && (e.data as ToolResultData).callId === callId) as unknown as { step: number; data: ToolResultData };
    const [c1, e1, d1] = [result('c1'), result('e1'), result('d1')];
    assert.deepEqual(c1.data.outlines?.map((o) => [o.path, o.symbols]), [['src/a.ts', 1], ['tool.py', 1]], 'a command\'s changes are outlined too');
    assert.deepEqual(e1.data.outlines?.map((o) => [o.path, o.symbols]), [['src/a.ts', 2]]);
    assert.equal(d1.data.outlines, undefined, 'a deleted file has no outline after the step');

    const atE1 = await stepOutlines(h.store, id, e1.step);
    assert.deepEqual(atE1.map((o) => [o.path, o.outline.symbols.map((s) => `${s.kind} ${s.name}`)]), [['src/a.ts', ['constant x', 'function twice']]]);
    assert.deepEqual(atE1[0]?.outline, outliner.outline('src/a.ts', 'export const x = 2;\nexport function twice(n: number) {\n  return 2 * n;\n}\n'), 'the stored outline is the outline of that version, hashes included');
    const byFile = await stepOutlines(h.store, id, c1.step, 'src/a.ts');
    assert.deepEqual(byFile.map((o) => [o.step, o.outline.symbols.map((s) => s.name)]), [[c1.step, ['x']]]);
    await assert.rejects(stepOutlines(h.store, id, d1.step, 'src/a.ts'), (e: unknown) => CheckpointError.is(e, 'INVALID') && /did not exist at the end of step/.test(e.message));
    await assert.rejects(stepOutlines(h.store, id, d1.step, 'src/none.ts'), /never changed src\/none\.ts/);
    await assert.rejects(stepOutlines(h.store, id, d1.step), /recorded no outline/);
    // The file before the session changed it: no step outlined that version; with an outliner it is read from the stored contents.
    await assert.rejects(stepOutlines(h.store, id, 0, 'src/a.ts'), (e: unknown) => CheckpointError.is(e, 'INVALID') && /no outline of src\/a\.ts as it was at the end of step 0: no step recorded one/.test(e.message));
    const original = await stepOutlines(h.store, id, 0, 'src/a.ts', { outliner: async () => outliner });
    assert.deepEqual(original.map((o) => [o.step, o.readNow, o.file, o.outline.symbols.map((s) => `${s.kind} ${s.name}`)]), [[0, true, sha('export const x = 1;\n'), ['constant x']]]);
    assert.match(formatOutline(original[0] as StepOutline), /^## step 0 · src\/a\.ts \(typescript, 1 symbol; read now from the stored version, no step recorded its outline\)\n {2}constant x {2}lines 1-1 /);
    const before = await stepOutlines(h.store, id, 0, undefined, { outliner: async () => outliner });
    assert.deepEqual(before.map((o) => [o.path, o.readNow]), [['src/a.ts', true]], 'before the session: the files it changed that were there (tool.py was created by it)');
    await assert.rejects(stepOutlines(h.store, id, 0), /step 0 recorded no outline/, 'without an outliner');
    const recorded = await stepOutlines(h.store, id, c1.step, 'src/a.ts', { outliner: () => Promise.reject(new Error('not asked for a recorded outline')) });
    assert.equal(recorded[0]?.readNow, undefined);
    const hashOnly = Object.create(h.store) as typeof h.store;
    hashOnly.hasBlob = async () => false;
    await assert.rejects(stepOutlines(hashOnly, id, 0, 'src/a.ts', { outliner: async () => outliner }), /kept by hash only/);
    const unreadable = Object.create(h.store) as typeof h.store;
    unreadable.getBlob = () => Promise.reject(new Error('blob gone'));
    await assert.rejects(stepOutlines(unreadable, id, 0, undefined, { outliner: async () => outliner }), (e: unknown) => CheckpointError.is(e, 'DAMAGED') && /src\/a\.ts at step 0 are missing from the store: blob gone/.test(e.message));
    // A store that lost an outline blob: reported as damage, not as a raw store error.
    const lossy = Object.create(h.store) as typeof h.store;
    lossy.getBlobs = () => Promise.reject(new Error('blob gone'));
    await assert.rejects(stepOutlines(lossy, id, e1.step), (e: unknown) => CheckpointError.is(e, 'DAMAGED') && /missing from the store: blob gone/.test(e.message));

    const refs = referencedBlobs(events);
    for (const o of [...(c1.data.outlines ?? []), ...(e1.data.outlines ?? [])]) assert.ok(refs.optional.includes(o.outline), `a fork references ${o.path}'s outline`);
    assert.deepEqual(h.server.violations(), []);
    outliner.dispose();
  });

  it('an edit settled at resume after a crash (the result died with the process) gets its symbols and outline too', async () => {
    const steps = () => [
      toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'export const x = 1;', new_text: 'export const x = 1;\nexport function twice(n: number) {\n  return 2 * n;\n}' }),
      finalText('done', { toolResultFor: 'e1' }),
    ];
    h = await harness(steps(), { 'src/a.ts': 'export const x = 1;\n' });
    const outliner = await AstOutliner.create();
    const id = await h.start(h.runner(new ScriptedGate(), { outliner }));
    await assert.rejects(h.runner(new ScriptedGate(), { outliner, probe: crashAt('applied:edit_file') }).run(id), Crash);
    assert.equal((await h.runner(new ScriptedGate(), { outliner }).run(id)).status, 'completed');
    const e1 = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).filter((r) => r.callId === 'e1');
    assert.equal(e1.length, 1);
    assert.equal(e1[0]?.recovered, 'already_applied');
    assert.ok(e1[0]?.symbols?.some((l) => /added function `twice` in src\/a\.ts/.test(l)), JSON.stringify(e1[0]?.symbols));
    assert.match(e1[0]?.content ?? '', /added function `twice`/, 'the model is told as well');
    assert.deepEqual(e1[0]?.outlines?.map((o) => [o.path, o.symbols]), [['src/a.ts', 2]]);
    outliner.dispose();
  });

  it('the file tools tell the shared capture what they write, so that another session\'s command does not take it for its own', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'x = 1', new_text: 'x = 2' }),
        toolUse('d1', 'delete_file', { path: 'old.txt' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'd1' }),
      ],
      { 'src/a.ts': 'export const x = 1;\n', 'old.txt': 'bye\n' },
    );
    capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    const real = capture;
    const notes: [string, string | null][] = [];
    const spy = { begin: () => real.begin(), end: (m: Parameters<typeof real.end>[0]) => real.end(m), dispose: () => real.dispose(), holdWrites: (w: readonly { path: string; hash: string | null }[]) => (w.forEach((x) => notes.push([x.path, x.hash])), () => undefined) };
    const runner = h.runner(new ScriptedGate(), { capture: spy });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(notes, [['src/a.ts', sha('export const x = 2;\n')], ['old.txt', null]]);
  });

  it('a file edited through a symlink (CLAUDE.md -> AGENTS.md) and by a command has one history: drift, rewind and undo agree', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'CLAUDE.md', old_text: 'one', new_text: 'one (edited)' }),
        toolUse('c1', 'run_command', { command: "printf 'two\\n' >> AGENTS.md" }, { toolResultFor: 'e1' }),
        toolUse('r1', 'read_file', { path: 'CLAUDE.md' }, { toolResultFor: 'c1' }),
        finalText('done', { toolResultFor: 'r1' }),
      ],
      { 'AGENTS.md': 'one\n' },
    );
    await symlink('AGENTS.md', join(h.workspace, 'CLAUDE.md'));
    const { id, outliner } = await runWithCaptureAndOutliner();
    outliner.dispose();
    const events = await h.events(id);
    const e1 = events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === 'e1');
    assert.match(e1?.content ?? '', /wrote AGENTS\.md \(the path given, CLAUDE\.md, leads there through a symlink\)/, 'the model is told which file changed');
    const history = await loadFileHistory(h.store, id);
    assert.deepEqual(history.paths, ['AGENTS.md'], 'the edit is recorded under the file the command changed too');
    assert.deepEqual([...history.seen.keys()], ['AGENTS.md']);
    const ws = new NodeWorkspace(h.workspace);
    assert.deepEqual((await detectDrift(h.store, ws, id)).map((d) => [d.path, d.kind]), [['AGENTS.md', 'unchanged']], 'nothing changed outside the session');

    const plan = await planRewind(h.store, ws, id, 1);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.conflict]), [['AGENTS.md', 'restore', false]]);
    const done = await applyRewind(h.store, ws, plan);
    assert.deepEqual(done.written, ['AGENTS.md']);
    assert.equal(await readFile(join(h.workspace, 'AGENTS.md'), 'utf8'), 'one (edited)\n');
    assert.ok((await lstat(join(h.workspace, 'CLAUDE.md'))).isSymbolicLink(), 'the link stays a link');

    const undo = await planUndo(h.store, ws, id, done.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action, f.conflict]), [['AGENTS.md', 'restore', false]]);
    await undoRewind(h.store, ws, undo);
    assert.equal(await readFile(join(h.workspace, 'CLAUDE.md'), 'utf8'), 'one (edited)\ntwo\n');
    const before = await planRewind(h.store, ws, id, 0);
    assert.deepEqual(before.files.map((f) => [f.path, f.action, f.conflict]), [['AGENTS.md', 'restore', false]]);
    await applyRewind(h.store, ws, before);
    assert.equal(await readFile(join(h.workspace, 'CLAUDE.md'), 'utf8'), 'one\n');
  });

  it('a file edited and deleted through a symlinked directory (lib -> src/lib) has one history too', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'lib/x.ts', old_text: 'one', new_text: 'two' }),
        toolUse('d1', 'delete_file', { path: 'lib/x.ts' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'd1' }),
      ],
      { 'src/lib/x.ts': 'one\n' },
    );
    await symlink('src/lib', join(h.workspace, 'lib'));
    const { id, outliner } = await runWithCaptureAndOutliner();
    outliner.dispose();
    const ws = new NodeWorkspace(h.workspace);
    assert.deepEqual((await loadFileHistory(h.store, id)).paths, ['src/lib/x.ts']);
    assert.deepEqual((await detectDrift(h.store, ws, id)).map((d) => [d.path, d.kind]), [['src/lib/x.ts', 'unchanged']]);
    const plan = await planRewind(h.store, ws, id, 1);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.toHash, f.conflict]), [['src/lib/x.ts', 'create', sha('two\n'), false]]);
  });

  it('two files the model made one (CLAUDE.md replaced by a link to AGENTS.md) keep two histories: a rewind never writes one into the other, and puts the file back in place of the link', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'CLAUDE.md', old_text: 'claude', new_text: 'claude2' }),
        toolUse('c1', 'run_command', { command: 'rm CLAUDE.md && ln -s AGENTS.md CLAUDE.md' }, { toolResultFor: 'e1' }),
        toolUse('e2', 'edit_file', { path: 'AGENTS.md', old_text: 'agents', new_text: 'agents2' }, { toolResultFor: 'c1' }),
        finalText('done', { toolResultFor: 'e2' }),
      ],
      { 'AGENTS.md': 'agents\n', 'CLAUDE.md': 'claude\n' },
    );
    const { id, outliner } = await runWithCaptureAndOutliner();
    outliner.dispose();
    const ws = new NodeWorkspace(h.workspace);
    // The link is the session's own (its command made it): replaced by the file it was, never written through; at step 2 it is what the step left.
    const claude = [['restore', sha('claude\n'), 'AGENTS.md'], ['restore', sha('claude2\n'), 'AGENTS.md'], ['none', null, undefined]];
    for (const step of [0, 1, 2]) {
      const plan = await planRewind(h.store, ws, id, step);
      const agents = plan.files.find((f) => f.path === 'AGENTS.md');
      assert.deepEqual([agents?.action, agents?.toHash], ['restore', sha('agents\n')], `step ${step}: AGENTS.md goes back to its own text`);
      const c = plan.files.find((f) => f.path === 'CLAUDE.md');
      assert.deepEqual([c?.action, step === 2 ? null : c?.toHash, c?.fromLink, c?.link, c?.conflict], [...(claude[step] ?? []), undefined, false], `step ${step}: CLAUDE.md`);
    }
    await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 0));
    assert.equal((await lstat(join(h.workspace, 'CLAUDE.md'))).isFile(), true);
    assert.deepEqual([await readFile(join(h.workspace, 'CLAUDE.md'), 'utf8'), await readFile(join(h.workspace, 'AGENTS.md'), 'utf8')], ['claude\n', 'agents\n']);
  });

  it('two files the user made one after the session keep two histories', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'CLAUDE.md', old_text: 'claude', new_text: 'claude2' }),
        toolUse('e2', 'edit_file', { path: 'AGENTS.md', old_text: 'agents', new_text: 'agents2' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'e2' }),
      ],
      { 'AGENTS.md': 'agents\n', 'CLAUDE.md': 'claude\n' },
    );
    const { id, outliner } = await runWithCaptureAndOutliner();
    outliner.dispose();
    await rm(join(h.workspace, 'CLAUDE.md'));
    await symlink('AGENTS.md', join(h.workspace, 'CLAUDE.md'));
    const ws = new NodeWorkspace(h.workspace);
    const plan = await planRewind(h.store, ws, id, 0);
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.toHash, f.conflict, f.link]),
      [
        ['CLAUDE.md', sha('claude\n'), false, { path: 'CLAUDE.md', to: 'AGENTS.md' }],
        ['AGENTS.md', sha('agents\n'), false, undefined],
      ],
    );
    assert.deepEqual((await detectDrift(h.store, ws, id)).map((d) => [d.path, d.kind]), [['CLAUDE.md', 'changed'], ['AGENTS.md', 'unchanged']]);
  });

  it('a write through a link approved before writes were named by their target is applied with that approval, not asked again', async () => {
    h = await harness([toolUse('w1', 'write_file', { path: 'CLAUDE.md', content: 'new\n' }), finalText('done', { toolResultFor: 'w1' })], { 'AGENTS.md': 'old\n' });
    await symlink('AGENTS.md', join(h.workspace, 'CLAUDE.md'));
    // The earlier version planned the change under the path given.
    const proto = ToolCalls.prototype as unknown as { planChanges: unknown; ctx(s: AbortSignal): unknown };
    const real = proto.planChanges;
    proto.planChanges = async function (this: typeof proto, tool: Tool, input: unknown, signal: AbortSignal) {
      return (tool.plan as NonNullable<Tool['plan']>)(input, this.ctx(signal) as never);
    };
    let id;
    try {
      id = await h.start(h.runner());
      assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    } finally {
      proto.planChanges = real;
    }
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['tool'], 'only the approval parked before');
    assert.equal(await readFile(join(h.workspace, 'AGENTS.md'), 'utf8'), 'new\n');
  });

  it('a file a command replaced with a directory: the rewind swaps them back, and refuses while a file of the user is in it', async () => {
    h = await harness([toolUse('c1', 'run_command', { command: 'rm cfg && mkdir cfg && echo x > cfg/a' }), finalText('done', { toolResultFor: 'c1' })], { cfg: 'old\n' });
    const { id, outliner } = await runWithCaptureAndOutliner();
    outliner.dispose();
    const ws = new NodeWorkspace(h.workspace);
    await writeFile(join(h.workspace, 'cfg/mine.txt'), "the user's\n");
    await assert.rejects(planRewind(h.store, ws, id, 0), (e: unknown) => CheckpointError.is(e, 'INVALID') && /cfg was a file in this session and is a directory now, holding cfg\/mine\.txt.*Move or remove the directory cfg/.test(e.message));
    assert.equal(await readFile(join(h.workspace, 'cfg/a'), 'utf8'), 'x\n');
    // Moved away by the user: the rewind deletes the session's file in the folder, removes it, and brings the file back.
    await rm(join(h.workspace, 'cfg/mine.txt'));
    const plan = await planRewind(h.store, ws, id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action]), [['cfg', 'create'], ['cfg/a', 'delete']]);
    await applyRewind(h.store, ws, plan);
    assert.equal(await readFile(join(h.workspace, 'cfg'), 'utf8'), 'old\n');
  });

  it('a command whose changes cannot be captured says so in its result (to the model and in the journal), never silently', async () => {
    h = await harness(
      [
        toolUse('c1', 'run_command', { command: "printf 'gen\\n' > gen.txt" }),
        finalText('done', { toolResultFor: 'c1', lastUserContains: 'the files this command changed were not recorded: the capture was disposed' }),
      ],
      { 'src/a.ts': 'export const x = 1;\n' },
    );
    capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.dispose();
    const runner = h.runner(new ScriptedGate(), { capture });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const c1 = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === 'c1');
    assert.match(c1?.content ?? '', /not recorded: the capture was disposed/);
    assert.equal(c1?.sideEffects, undefined);
    assert.deepEqual(h.server.violations(), []);
  });

  it('a file a tool deletes is kept by hash only over the size limit; smaller ones stay restorable (rewind says which)', async () => {
    const big = 'x'.repeat(3000) + '\n';
    h = await harness(
      [
        toolUse('d1', 'delete_file', { path: 'big.txt' }),
        toolUse('d2', 'delete_file', { path: 'small.txt' }, { toolResultFor: 'd1', toolResultIsError: false }),
        finalText('done', { toolResultFor: 'd2', toolResultIsError: false }),
      ],
      { 'big.txt': big, 'small.txt': 'small\n' },
    );
    const runner = h.runner(new ScriptedGate(), { maxFileBytes: 1000 });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.equal(await h.store.hasBlob(sha(big) as never), false, 'the 3 KB file over the 1 KB limit is kept by hash only');
    assert.equal(await h.store.hasBlob(sha('small\n') as never), true);
    const ws = new NodeWorkspace(h.workspace);
    const plan = await planRewind(h.store, ws, id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.restorable]), [['big.txt', 'create', false], ['small.txt', 'create', true]]);
    const r = await applyRewind(h.store, ws, plan);
    assert.deepEqual(r.written, ['small.txt']);
    assert.equal(await readFile(join(h.workspace, 'small.txt'), 'utf8'), 'small\n');
    await assert.rejects(readFile(join(h.workspace, 'big.txt')), { code: 'ENOENT' });
  });

  it('an outliner still loading is waited for before a step\'s symbols (the CLI loads it in the background)', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'export const x = 1;', new_text: 'export const x = 1;\nexport function twice(n: number) {\n  return 2 * n;\n}' }),
        finalText('done', { toolResultFor: 'e1' }),
      ],
      { 'src/a.ts': 'export const x = 1;\n' },
    );
    const real = await AstOutliner.create();
    let loaded = false;
    const slow = {
      outline: (path: string, text: string) => (loaded ? real.outline(path, text) : { language: null, symbols: [], hasSyntaxErrors: false }),
      ready: () =>
        new Promise<void>((r) =>
          setTimeout(() => {
            loaded = true;
            r();
          }, 100),
        ),
    };
    const runner = h.runner(new ScriptedGate(), { outliner: slow });
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const e1 = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === 'e1');
    assert.ok(e1?.symbols?.some((l) => /added function `twice` in src\/a\.ts/.test(l)), JSON.stringify(e1?.symbols));
    real.dispose();
  });
});
