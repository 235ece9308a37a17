import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDrift } from '../../../src/core/checkpoints/drift';
import { buildFileHistory, loadFileHistory } from '../../../src/core/checkpoints/fileHistory';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { openCheckpointStore, type DiskCheckpointStore } from '../../../src/core/store/openStore';
import type { JournalEvent, NewEvent, SessionId } from '../../../src/core/store/types';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import { sha } from './checkpointHarness';

/** A journal with one command whose result carries captured side effects (as the change capture records them). */
const commandJournal = (): NewEvent[] => [
  { step: 0, type: 'session_started', data: { task: 't' } },
  { step: 1, type: 'tool_started', data: { callId: 'c1' } },
  {
    step: 1,
    type: 'tool_result',
    data: {
      callId: 'c1',
      name: 'run_command',
      key: 'k',
      isError: true,
      content: 'exit 1',
      progressed: true,
      sideEffects: [
        { path: 'gen.txt', kind: 'created', beforeHash: null, afterHash: sha('generated\n') },
        { path: 'img.bin', kind: 'modified', beforeHash: sha('old binary'), afterHash: sha('new binary'), binary: true },
        { path: 'new/name.ts', kind: 'renamed', from: 'old/name.ts', beforeHash: sha('moved\n'), afterHash: sha('moved\n') },
      ],
    },
  },
];

describe('files changed by commands (captured side effects) are part of the history', function () {
  let root: string | undefined;
  let store: DiskCheckpointStore | undefined;
  afterEach(async () => {
    await store?.close();
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
    store = undefined;
  });

  /** A workspace folder and a store in a fresh temporary folder, with one finished session. */
  async function commandSession(title: string) {
    root = await mkdtemp(join(tmpdir(), 'savepoint-ckpt-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    const opened = await openCheckpointStore({ dir: join(root, 'store'), onLocked: 'fail', syncWrites: false });
    store = opened;
    return { ws, store: opened, s: await opened.createSession({ title, status: 'completed' }) };
  }

  /** Commits one command's captured side effects (as `commandJournal`, with these) and the texts the store keeps. */
  async function commitCommand(into: DiskCheckpointStore, sessionId: SessionId, sideEffects: unknown[], texts: readonly string[] = []) {
    const events = commandJournal();
    (events[2]?.data as { sideEffects: unknown[] }).sideEffects = sideEffects;
    await into.commit({ sessionId, expectedHeadSeq: 0, events, blobs: texts.map((t) => ({ content: Buffer.from(t) })) });
  }

  it('created, modified, deleted and renamed become touches of the step, applied even when the command failed', () => {
    const events: JournalEvent[] = commandJournal().map((e, i) => ({ ...e, seq: i + 1, at: 0 }));
    const fh = buildFileHistory(events);
    assert.deepEqual(fh.paths, ['gen.txt', 'img.bin', 'old/name.ts', 'new/name.ts']);
    assert.ok(fh.touches.every((t) => t.kind === 'command' && t.outcome === 'applied' && t.step === 1 && t.seq === 3));
    assert.deepEqual(Object.fromEntries(fh.stateAfter(0)), { 'gen.txt': null, 'img.bin': sha('old binary'), 'old/name.ts': sha('moved\n'), 'new/name.ts': null });
    assert.deepEqual(Object.fromEntries(fh.stateAfter(1)), { 'gen.txt': sha('generated\n'), 'img.bin': sha('new binary'), 'old/name.ts': null, 'new/name.ts': sha('moved\n') });
  });

  it('a rewind restores what the store kept and reports, never writes, a version kept by hash only', async () => {
    const { ws, store, s } = await commandSession('cmd');
    // The capture kept the text contents (both sides of the rename) but only the hashes of the binary file.
    await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events: commandJournal(), blobs: [{ content: Buffer.from('generated\n') }, { content: Buffer.from('moved\n') }] });
    const workspace = new NodeWorkspace(ws);
    await workspace.writeFile('gen.txt', Buffer.from('generated\n'));
    await workspace.writeFile('img.bin', Buffer.from('new binary'));
    await workspace.writeFile('new/name.ts', Buffer.from('moved\n'));

    assert.equal((await loadFileHistory(store, s.id)).paths.length, 4);
    const plan = await planRewind(store, workspace, s.id, 0);
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.action, f.restorable, f.conflict]),
      [
        ['gen.txt', 'delete', true, false],
        ['img.bin', 'restore', false, false],
        ['old/name.ts', 'create', true, false],
        ['new/name.ts', 'delete', true, false],
      ],
    );
    const r = await applyRewind(store, workspace, plan);
    assert.deepEqual([r.skipped, r.notRestorable], [['img.bin'], ['img.bin']]);
    assert.equal(await workspace.readFile('gen.txt'), undefined);
    assert.equal(await readFile(join(ws, 'old/name.ts'), 'utf8'), 'moved\n');
    assert.equal(await workspace.readFile('new/name.ts'), undefined);
    assert.equal(await readFile(join(ws, 'img.bin'), 'utf8'), 'new binary');

    await writeFile(join(ws, 'img.bin'), 'changed again');
    const drift = await detectDrift(store, workspace, s.id);
    assert.match(drift.find((d) => d.path === 'img.bin')?.diff ?? '', /recorded by hash only/);

    // The diffs of the step, from the same blobs: text shown, the binary named by its hashes.
    const diffs = await stepDiffs(store, s.id);
    assert.deepEqual(diffs.map((d) => [d.step, d.path, d.kind, d.from]), [[1, 'gen.txt', 'command', undefined], [1, 'img.bin', 'command', undefined], [1, 'new/name.ts', 'command', 'old/name.ts']]);
    assert.match(diffs[0]?.diff ?? '', /--- \/dev\/null\n\+\+\+ b\/gen\.txt[\s\S]*\+generated/);
    assert.match(diffs[1]?.diff ?? '', /^img\.bin: [0-9a-f]{64} -> [0-9a-f]{64} \(binary: shown by hash only\); no diff\n$/);
    // A rename is one entry, as git writes it, not a deletion of every line and a creation.
    assert.equal(diffs[2]?.diff, 'diff --git a/old/name.ts b/new/name.ts\nsimilarity index 100%\nrename from old/name.ts\nrename to new/name.ts\n');
    assert.deepEqual(await stepDiffs(store, s.id, { step: 0 }), []);
  });

  it('a session recorded before edits through a symlink were named by its target: the link and its target rewind and drift as one file', async () => {
    const { ws, store, s } = await commandSession('alias');
    // Then a file tool's edit of CLAUDE.md (a link to AGENTS.md) kept the link's path, the capture of a command the target's.
    const v = ['one\n', 'one (edited)\n', 'one (edited)\ntwo\n'];
    await store.commit({
      sessionId: s.id,
      expectedHeadSeq: 0,
      events: [
        { step: 0, type: 'session_started', data: { task: 't' } },
        { step: 1, type: 'tool_started', data: { callId: 'e1', mutations: [{ path: 'CLAUDE.md', beforeHash: sha(v[0] as string), afterHash: sha(v[1] as string) }] } },
        { step: 1, type: 'tool_result', data: { callId: 'e1', name: 'edit_file', key: 'k1', isError: false, content: 'wrote CLAUDE.md', progressed: true } },
        { step: 2, type: 'tool_started', data: { callId: 'c1' } },
        {
          step: 2,
          type: 'tool_result',
          data: { callId: 'c1', name: 'run_command', key: 'k2', isError: false, content: 'exit 0', progressed: true, sideEffects: [{ path: 'AGENTS.md', kind: 'modified', beforeHash: sha(v[1] as string), afterHash: sha(v[2] as string) }] },
        },
      ],
      blobs: v.map((t) => ({ content: Buffer.from(t) })),
    });
    await writeFile(join(ws, 'AGENTS.md'), v[2] as string);
    await symlink('AGENTS.md', join(ws, 'CLAUDE.md'));
    const workspace = new NodeWorkspace(ws);
    assert.deepEqual((await detectDrift(store, workspace, s.id)).map((d) => [d.path, d.kind]), [['AGENTS.md', 'unchanged']]);

    const plan = await planRewind(store, workspace, s.id, 1);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.toHash, f.conflict]), [['AGENTS.md', 'restore', sha(v[1] as string), false]]);
    await applyRewind(store, workspace, plan);
    assert.equal(await readFile(join(ws, 'CLAUDE.md'), 'utf8'), v[1]);
    assert.ok((await lstat(join(ws, 'CLAUDE.md'))).isSymbolicLink(), 'the link stays a link');
    const start = await planRewind(store, workspace, s.id, 0);
    assert.deepEqual(start.files.map((f) => [f.path, f.action, f.toHash, f.conflict]), [['AGENTS.md', 'restore', sha(v[0] as string), false]]);
  });

  it('knows which files were executable at each step, through file tools that keep the mode', () => {
    const events: JournalEvent[] = (
      [
        { step: 0, type: 'session_started', data: { task: 't' } },
        { step: 1, type: 'tool_started', data: { callId: 'c1', mutations: [{ path: 'run.sh', beforeHash: sha('v0'), afterHash: sha('v1') }] } },
        { step: 1, type: 'tool_result', data: { callId: 'c1', isError: false } },
        {
          step: 2,
          type: 'tool_result',
          data: {
            callId: 'c2',
            isError: false,
            sideEffects: [
              { path: 'new.sh', kind: 'created', beforeHash: null, afterHash: sha('n'), afterExec: true },
              { path: 'run.sh', kind: 'deleted', beforeHash: sha('v1'), afterHash: null, beforeExec: true },
            ],
          },
        },
        { step: 3, type: 'tool_started', data: { callId: 'c3', mutations: [{ path: 'new.sh', beforeHash: sha('n'), afterHash: sha('n2') }] } },
        { step: 3, type: 'tool_result', data: { callId: 'c3', isError: false } },
        { step: 4, type: 'tool_started', data: { callId: 'c4', mutations: [{ path: 'tool.sh', beforeHash: null, afterHash: sha('t') }] } },
        { step: 4, type: 'tool_result', data: { callId: 'c4', isError: false } },
      ] as NewEvent[]
    ).map((e, i) => ({ ...e, seq: i + 1, at: 0 }));
    const fh = buildFileHistory(events);
    assert.deepEqual([0, 1, 2, 3, 4].map((step) => [...fh.execAfter(step)].sort()), [['run.sh'], ['run.sh'], ['new.sh'], ['new.sh'], ['new.sh']]);
  });

  it('the execute bit: what was observed last wins, and a tool edit carries it only along an unbroken history', () => {
    const history = (list: NewEvent[]) => buildFileHistory(list.map((e, i) => ({ ...e, seq: i + 1, at: 0 })));
    const start: NewEvent = { step: 0, type: 'session_started', data: { task: 't' } };
    const tool = (step: number, callId: string, m: Record<string, unknown>): NewEvent[] => [
      { step, type: 'tool_started', data: { callId, mutations: [m] } },
      { step, type: 'tool_result', data: { callId, isError: false } },
    ];
    const command = (step: number, callId: string, sideEffects: unknown[]): NewEvent => ({ step, type: 'tool_result', data: { callId, isError: false, sideEffects } });
    // A tool creates build.sh; a chmod the capture did not see as a change (older journals); then rm sees it executable.
    const created = history([
      start,
      ...tool(1, 'w1', { path: 'build.sh', beforeHash: null, afterHash: sha('b') }),
      command(2, 'c2', []),
      command(3, 'c3', [{ path: 'build.sh', kind: 'deleted', beforeHash: sha('b'), afterHash: null, beforeExec: true }]),
    ]);
    assert.deepEqual([...created.execAfter(2)], ['build.sh']);
    // The same with the chmod recorded (a mode-only change): exact at each step.
    const chmodded = history([
      start,
      ...tool(1, 'w1', { path: 'build.sh', beforeHash: null, afterHash: sha('b') }),
      command(2, 'c2', [{ path: 'build.sh', kind: 'modified', beforeHash: sha('b'), afterHash: sha('b'), afterExec: true }]),
      ...tool(3, 'd3', { path: 'build.sh', beforeHash: sha('b'), afterHash: null, beforeExec: true }),
    ]);
    assert.deepEqual([1, 2, 3].map((s) => [...chmodded.execAfter(s)]), [[], ['build.sh'], []]);
    // Deleted executable at step 1; back from outside the session (v0 again) and edited by a tool at
    // step 2, deleted by delete_file at step 3: the deletion's bit counts, not the step-1 deletion's.
    const broken = history([
      start,
      command(1, 'c1', [{ path: 'run.sh', kind: 'deleted', beforeHash: sha('v0'), afterHash: null, beforeExec: true }]),
      ...tool(2, 'e2', { path: 'run.sh', beforeHash: sha('v0'), afterHash: sha('v2') }),
      ...tool(3, 'd3', { path: 'run.sh', beforeHash: sha('v2'), afterHash: null, beforeExec: true }),
    ]);
    assert.deepEqual([0, 1, 2].map((s) => [...broken.execAfter(s)]), [['run.sh'], [], ['run.sh']]);
    // Without the deletion's bit, nothing says what the edited file held: no bit.
    const unknown = history([
      start,
      command(1, 'c1', [{ path: 'run.sh', kind: 'deleted', beforeHash: sha('v0'), afterHash: null }]),
      ...tool(2, 'e2', { path: 'run.sh', beforeHash: sha('v0'), afterHash: sha('v2') }),
      ...tool(3, 'd3', { path: 'run.sh', beforeHash: sha('v2'), afterHash: null }),
    ]);
    assert.deepEqual([...unknown.execAfter(2)], []);
  });

  it('a file re-created by a rewind or by its undo gets its execute bit back (POSIX)', async function () {
    if (process.platform === 'win32') this.skip();
    const { ws, store, s } = await commandSession('exec bits');
    const events = commandJournal();
    (events[2]?.data as { sideEffects: unknown[] }).sideEffects = [
      { path: 'bin/run.sh', kind: 'deleted', beforeHash: sha('echo run\n'), afterHash: null, beforeExec: true },
      { path: 'tools/gen.sh', kind: 'created', beforeHash: null, afterHash: sha('echo gen\n'), afterExec: true },
    ];
    await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events, blobs: [{ content: Buffer.from('echo run\n') }, { content: Buffer.from('echo gen\n') }] });
    const workspace = new NodeWorkspace(ws);
    await workspace.writeFile('tools/gen.sh', Buffer.from('echo gen\n'));
    await chmod(join(ws, 'tools/gen.sh'), 0o750);
    const mode = async (p: string) => (await stat(join(ws, p))).mode & 0o777;

    const plan = await planRewind(store, workspace, s.id, 0);
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.action, f.fromExec, f.toExec]),
      [
        ['bin/run.sh', 'create', undefined, true],
        ['tools/gen.sh', 'delete', true, undefined],
      ],
    );
    const r = await applyRewind(store, workspace, plan);
    assert.deepEqual(r.written.sort(), ['bin/run.sh', 'tools/gen.sh']);
    assert.equal(await readFile(join(ws, 'bin/run.sh'), 'utf8'), 'echo run\n');
    const created = await mode('bin/run.sh');
    // The default mode of a new file (the umask applied), with an execute bit wherever it can be read.
    assert.equal(created & 0o111, (created & 0o444) >> 2);
    assert.notEqual(created & 0o100, 0);

    const undo = await planUndo(store, workspace, s.id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action, f.toExec]), [['bin/run.sh', 'delete', undefined], ['tools/gen.sh', 'create', true]]);
    await undoRewind(store, workspace, undo);
    assert.equal(await readFile(join(ws, 'tools/gen.sh'), 'utf8'), 'echo gen\n');
    assert.notEqual((await mode('tools/gen.sh')) & 0o100, 0);
    assert.equal(await workspace.readFile('bin/run.sh'), undefined);
    // A file that exists keeps its own mode: a rewind writes its contents only.
    await writeFile(join(ws, 'tools/gen.sh'), 'echo gen\n');
    await chmod(join(ws, 'tools/gen.sh'), 0o600);
    await workspace.writeFiles([{ path: 'tools/gen.sh', bytes: Buffer.from('changed\n'), executable: true }]);
    assert.equal(await mode('tools/gen.sh'), 0o600);
  });

  it('a folder on the way that is a symlink now is not written through either: nothing lands where it points', async () => {
    const { ws, store, s } = await commandSession('folder link');
    await commitCommand(
      store,
      s.id,
      [
        { path: 'conf/cfg.txt', kind: 'deleted', beforeHash: sha('cfg\n'), afterHash: null },
        { path: 'a/x.txt', kind: 'modified', beforeHash: sha('X original\n'), afterHash: sha('X new\n') },
      ],
      ['cfg\n', 'X original\n', 'X new\n'],
    );
    // The user made conf a dangling link, and a a link to another folder holding an x.txt of its own.
    await symlink('secret', join(ws, 'conf'));
    await mkdir(join(ws, 'b'));
    await writeFile(join(ws, 'b/x.txt'), 'B own x\n');
    await symlink('b', join(ws, 'a'));
    const workspace = new NodeWorkspace(ws);
    const plan = await planRewind(store, workspace, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.link]), [['conf/cfg.txt', { path: 'conf', to: 'secret' }], ['a/x.txt', { path: 'a', to: 'b' }]]);
    assert.match(plan.files[1]?.diff ?? '', /^a, a folder on the way to a\/x\.txt, is a symlink now \(to b\)/);
    const r = await applyRewind(store, workspace, plan, { overwriteConflicts: ['conf/cfg.txt', 'a/x.txt'] });
    assert.deepEqual([r.written, r.linked], [[], ['conf/cfg.txt', 'a/x.txt']]);
    assert.equal(await readFile(join(ws, 'b/x.txt'), 'utf8'), 'B own x\n');
    await assert.rejects(stat(join(ws, 'secret')), /ENOENT/);
  });

  it("a chmod the session's command made is taken back by a rewind (contents unchanged) and redone by its undo; a chmod made outside the session is a conflict", async function () {
    if (process.platform === 'win32') this.skip();
    const { ws, store, s } = await commandSession('chmod');
    await commitCommand(
      store,
      s.id,
      [
        { path: 'run.sh', kind: 'modified', beforeHash: sha('echo run\n'), afterHash: sha('echo run\n'), afterExec: true, modes: true },
        { path: 'tool.sh', kind: 'created', beforeHash: null, afterHash: sha('echo tool\n'), modes: true },
        // Recorded before records carried both bits: its execute bit is unknown, and its mode is left as it is.
        { path: 'old.sh', kind: 'modified', beforeHash: sha('echo old\n'), afterHash: sha('echo old 2\n') },
      ],
      ['echo run\n', 'echo tool\n', 'echo old\n', 'echo old 2\n'],
    );
    await writeFile(join(ws, 'old.sh'), 'echo old 2\n');
    await chmod(join(ws, 'old.sh'), 0o755);
    await writeFile(join(ws, 'run.sh'), 'echo run\n');
    await chmod(join(ws, 'run.sh'), 0o755);
    await writeFile(join(ws, 'tool.sh'), 'echo tool\n');
    // After the session, the user makes tool.sh executable.
    await chmod(join(ws, 'tool.sh'), 0o755);
    const workspace = new NodeWorkspace(ws);
    const mode = async (p: string) => (await stat(join(ws, p))).mode & 0o777;

    const plan = await planRewind(store, workspace, s.id, 1);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.setExec, f.conflict]), [['run.sh', 'none', undefined, false], ['tool.sh', 'restore', false, true], ['old.sh', 'none', undefined, false]]);
    assert.match(plan.files[1]?.diff ?? '', /tool\.sh: execute bit cleared \(contents unchanged\)/);
    const kept = await applyRewind(store, workspace, plan);
    assert.deepEqual([kept.written, kept.skipped], [[], ['tool.sh']]);
    assert.equal(await mode('tool.sh'), 0o755, "the user's chmod is kept");

    const start = await planRewind(store, workspace, s.id, 0);
    assert.deepEqual(start.files.map((f) => [f.path, f.action, f.setExec, f.fromExec, f.conflict]), [['run.sh', 'restore', false, true, false], ['tool.sh', 'delete', undefined, true, false], ['old.sh', 'restore', undefined, undefined, false]]);
    const r = await applyRewind(store, workspace, start, { overwriteConflicts: ['tool.sh'] });
    assert.deepEqual(r.written.sort(), ['old.sh', 'run.sh', 'tool.sh']);
    assert.equal(await mode('run.sh'), 0o644);
    assert.equal(await mode('old.sh'), 0o755, 'its contents go back, its mode stays');
    assert.equal(await readFile(join(ws, 'old.sh'), 'utf8'), 'echo old\n');
    assert.equal(await readFile(join(ws, 'run.sh'), 'utf8'), 'echo run\n');

    const undo = await planUndo(store, workspace, s.id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action, f.setExec, f.conflict]), [['run.sh', 'restore', true, false], ['tool.sh', 'create', undefined, false], ['old.sh', 'restore', undefined, false]]);
    await undoRewind(store, workspace, undo);
    assert.equal(await mode('run.sh'), 0o755);
    assert.notEqual((await mode('tool.sh')) & 0o100, 0, 'tool.sh comes back executable, as the rewind found it');
  });

  it("a file of the user's where the session had a folder: the rewind says so and changes nothing, and works once the file is moved away", async () => {
    const { ws, store, s } = await commandSession('swap');
    // The command removed the folder; the file in its place is the user's, made after (the session never wrote it).
    await commitCommand(store, s.id, [{ path: 'src/sub/b.ts', kind: 'deleted', beforeHash: sha('export const b = 1;\n'), afterHash: null }], ['export const b = 1;\n']);
    await mkdir(join(ws, 'src'));
    await writeFile(join(ws, 'src/sub'), 'file\n');
    const workspace = new NodeWorkspace(ws);
    await assert.rejects(applyRewind(store, workspace, await planRewind(store, workspace, s.id, 0)), (e: unknown) => {
      assert.ok(e instanceof Error && e.name === 'CheckpointError', String(e));
      assert.match(e.message, /^src\/sub is a file now where the session had a folder \(src\/sub\/b\.ts was in it\).*Move or remove the file src\/sub, then try again\. Nothing was changed\.$/);
      return true;
    });
    assert.equal(await readFile(join(ws, 'src/sub'), 'utf8'), 'file\n');
    await rm(join(ws, 'src/sub'));
    await applyRewind(store, workspace, await planRewind(store, workspace, s.id, 0));
    assert.equal(await readFile(join(ws, 'src/sub/b.ts'), 'utf8'), 'export const b = 1;\n');
  });

  it('a binary file a command moved comes back to its old path from the disk, although the store has it by hash only', async () => {
    const { ws, store, s } = await commandSession('moved binary');
    const bin = Buffer.from('PNG\0binary');
    const binHash = hashBytes(bin);
    const events = commandJournal();
    (events[2]?.data as { sideEffects: unknown[] }).sideEffects = [{ path: 'assets/img/logo.png', kind: 'renamed', from: 'assets/logo.png', beforeHash: binHash, afterHash: binHash, binary: true }];
    await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events });
    const workspace = new NodeWorkspace(ws);
    await workspace.writeFile('assets/img/logo.png', bin);
    assert.equal(await store.hasBlob(binHash), false, 'kept by hash only');

    const plan = await planRewind(store, workspace, s.id, 0);
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.action, f.restorable]),
      [
        ['assets/logo.png', 'create', true],
        ['assets/img/logo.png', 'delete', true],
      ],
    );
    const r = await applyRewind(store, workspace, plan);
    assert.deepEqual([r.written.sort(), r.skipped], [['assets/img/logo.png', 'assets/logo.png'], []]);
    assert.deepEqual(await readFile(join(ws, 'assets/logo.png')), bin);
    assert.equal(await workspace.readFile('assets/img/logo.png'), undefined);
  });
  it('a path that is a symlink now is never written through nor replaced: the file it points to stays as it is', async () => {
    const { ws, store, s } = await commandSession('link');
    // A command replaced a.txt with a link to b.txt (the capture saw a.txt deleted); later the user linked cfg.txt, which the session deleted, to a folder that does not exist.
    await commitCommand(
      store,
      s.id,
      [
        { path: 'a.txt', kind: 'deleted', beforeHash: sha('A original\n'), afterHash: null },
        { path: 'cfg.txt', kind: 'deleted', beforeHash: sha('cfg\n'), afterHash: null },
      ],
      ['A original\n', 'cfg\n'],
    );
    await writeFile(join(ws, 'b.txt'), 'B, never touched by the session\n');
    await symlink('b.txt', join(ws, 'a.txt'));
    await symlink('secret/other.txt', join(ws, 'cfg.txt'));
    const workspace = new NodeWorkspace(ws);
    const plan = await planRewind(store, workspace, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.link, f.conflict]), [['a.txt', 'restore', { path: 'a.txt', to: 'b.txt' }, false], ['cfg.txt', 'restore', { path: 'cfg.txt', to: 'secret/other.txt' }, false]]);
    assert.match(plan.files[0]?.diff ?? '', /a\.txt is a symlink now \(to b\.txt\): a rewind never writes through a link/);
    // Not even when the user asks to overwrite.
    const r = await applyRewind(store, workspace, plan, { overwriteConflicts: ['a.txt', 'cfg.txt'] });
    assert.deepEqual([r.written, r.skipped, r.linked], [[], ['a.txt', 'cfg.txt'], ['a.txt', 'cfg.txt']]);
    assert.equal(await readFile(join(ws, 'b.txt'), 'utf8'), 'B, never touched by the session\n');
    assert.ok((await lstat(join(ws, 'a.txt'))).isSymbolicLink());
    await assert.rejects(stat(join(ws, 'secret')), /ENOENT/, 'nothing was created where the dangling link points');
    // Once the user removes the link, the rewind brings the file back.
    await rm(join(ws, 'a.txt'));
    const again = await planRewind(store, workspace, s.id, 0);
    const done = await applyRewind(store, workspace, again);
    assert.ok(done.written.includes('a.txt'));
    assert.equal(await readFile(join(ws, 'a.txt'), 'utf8'), 'A original\n');
    assert.equal(await readFile(join(ws, 'b.txt'), 'utf8'), 'B, never touched by the session\n');
  });
});
