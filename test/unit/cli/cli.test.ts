import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClassicLevel } from 'classic-level';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { currentManifest, readListSnapshot, writeListSnapshot } from '../../../src/core/store/listSnapshot';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import type { StepInput } from '../../../src/core/scripted/scenario';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

/** Every `BROKEN(...)` in a .ts file is an error, in the gcc format the CLI's check command parser reads. */
const CHECKER = `
const fs = require('fs');
let bad = 0;
for (const f of fs.readdirSync('.')) if (f.endsWith('.ts')) fs.readFileSync(f, 'utf8').split('\\n').forEach((l, i) => {
  const k = l.indexOf('BROKEN'); if (k >= 0) { bad++; console.log(f + ':' + (i + 1) + ':' + (k + 1) + ': error: broken'); }
});
process.exit(bad ? 2 : 0);
`;

/** The workspace folder under `root`, holding a.ts. */
async function workspaceWithA(root: string): Promise<string> {
  const ws = join(root, 'ws');
  await mkdir(ws);
  await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
  return ws;
}

/** The CLI in a child process on that workspace, a store under `root`, and the scripted model at `url`. */
const cliOn =
  (root: string, ws: string, url: string) =>
  (...args: string[]) =>
    run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });

const read = (id: string, input: number, expect?: Record<string, unknown>): StepInput => ({
  type: 'message',
  content: [{ type: 'tool_use', id, name: 'read_file', input: { path: 'a.ts' } }],
  usage: { input_tokens: input, output_tokens: 10 },
  ...(expect ? { expect } : {}),
});

describe('the savepoint CLI in a child process: step checks, compaction, pins, memory', function () {
  this.timeout(60_000);
  let root: string;
  let server: ScriptedModelServer;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('shows the errors a step introduced, a compaction with its originals, undoes it, and pins a fact', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-'));
    const ws = await workspaceWithA(root);
    await writeFile(join(ws, 'check.cjs'), CHECKER);
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = BROKEN;\n' } }] },
      read('r1', 1000, { lastUserContains: 'introduced 1 error' }),
      read('r2', 2000),
      read('r3', 3000),
      // 150,000 of a 200,000-token window: past 70 %, the next request is a summary.
      read('r4', 150_000),
      { type: 'message', content: [{ type: 'text', text: 'SUMMARY: wrote a.ts, read it four times.' }], expect: { systemContains: 'You summarize' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'r4' } },
    ]);
    const cli = cliOn(root, ws, server.url);
    const started = await cli('run', '--approvals', 'yes', '--check-command', 'node check.cjs', 'fix a.ts');
    const outcome = JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string; status: string };
    assert.equal(outcome.status, 'completed', started.stderr);
    assert.deepEqual(server.violations(), []);
    const id = outcome.sessionId;

    const shown = (await cli('show', id)).stdout;
    assert.match(shown, /ok write_file: .*introduced 1 error \(now 1 error, 0 warnings\)\n {8}changed .*`a` in a\.ts/);
    assert.match(shown, /\n {8}a\.ts:1:18 error broken\n/, 'the error itself, as the checker printed it');
    const diff = (await cli('diff', id)).stdout;
    assert.match(diff, /^## step 1 · a\.ts \(edit\)\n[\s\S]*-export const a = 1;\n\+export const a = BROKEN;\n/);
    assert.equal((await cli('diff', id, '2')).stdout, 'step 2 changed no file\n');
    assert.match((await cli('outline', id, '1')).stdout, /^## step 1 · a\.ts \(typescript, 1 symbol\)\n {2}constant a {2}lines 1-1 {2}[0-9a-f]{16}\n$/, 'the AST snapshot of the step');
    assert.equal((await cli('outline', id, '3', 'a.ts')).stdout, (await cli('outline', id, '1')).stdout, 'a file as it was at a later step: the outline the step that last changed it recorded');
    await assert.rejects(cli('outline', id, '2'), (e: { code?: number; stderr?: string }) => e.code === 1 && /step 2 recorded no outline/.test(e.stderr ?? ''));
    assert.match((await cli('outline', id, '0', 'a.ts')).stdout, /^## step 0 · a\.ts \(typescript, 1 symbol; read now from the stored version, no step recorded its outline\)\n {2}constant a {2}lines 1-1 {2}[0-9a-f]{16}\n$/, 'the file before the session changed it');
    await assert.rejects(cli('outline', id, 'x'), (e: { code?: number; stderr?: string }) => e.code === 2 && /outline needs a step number/.test(e.stderr ?? ''));
    await assert.rejects(cli('diff', 'nosuchsession'), (e: { code?: number; stderr?: string }) => e.code === 1 && /^savepoint: no session nosuchsession/.test(e.stderr ?? ''));
    assert.match(shown, /compacted 3 earlier messages into a summary \((compaction:\d+)\)/);
    const compactionId = /\((compaction:\d+)\)/.exec(shown)?.[1] as string;

    const originals = (await cli('compacted', id)).stdout;
    assert.match(originals, new RegExp(`^${compactionId}: 3 messages`));
    assert.match(originals, /## user\nfix a\.ts/);
    assert.match(originals, /"name": "write_file"/);

    assert.equal((await cli('uncompact', id)).stdout, `${compactionId} undone: 3 messages restored\n`);
    await assert.rejects(cli('uncompact', id), (e: { stderr: string }) => /has no compaction to undo/.test(e.stderr));
    assert.equal((await cli('pin', id, 'use', 'tabs')).stdout, 'pinned: use tabs\n');
    assert.match((await cli('show', id)).stdout, /pinned by the user: use tabs/);
    await assert.rejects(cli('unpin', id, 'use spaces'), (e: { stderr: string }) => /is not pinned/.test(e.stderr));

    // The finished session left an episode in long-term memory; the user scope lives under the data directory.
    const listed = (await cli('memory', 'list')).stdout;
    assert.match(listed, /workspace +episode .*Task: fix a\.ts Outcome: done/);
    const memoryId = /^([0-9A-Z]{26}) /m.exec(listed)?.[1] as string;
    assert.match((await cli('memory', 'show', memoryId)).stdout, new RegExp(`created: .* by session ${id}`));
    assert.match((await cli('memory', 'forget', memoryId)).stdout, /^forgotten: /);
    assert.equal((await cli('memory', 'list')).stdout, 'No memories.\n');
    await assert.rejects(cli('memory', 'forget', memoryId), (e: { stderr: string; code: number }) => e.code === 1 && /savepoint: /.test(e.stderr));
  });

  it('rewinds with a preview first, undoes the rewind, and forks, from the command line', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-'));
    const ws = await workspaceWithA(root);
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'w1' } },
      { type: 'message', content: [{ type: 'text', text: 'forked and done' }], expect: { lastUserContains: 'try a 3 instead' } },
    ]);
    const cli = cliOn(root, ws, server.url);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const a = () => readFile(join(ws, 'a.ts'), 'utf8');
    assert.equal(await a(), 'export const a = 2;\n');

    const preview = await cli('rewind', id, '0');
    assert.match(preview.stdout, /^restore a\.ts\n {10}changed constant `a`\nnothing written: add --yes/, 'the preview names the symbols going back');
    assert.equal(await a(), 'export const a = 2;\n', 'the preview writes nothing');
    const done = await cli('rewind', id, '0', '--yes');
    // Told to go ahead, it names the files but parses no symbols (the preview's aid to decide; tree-sitter was most of its time).
    assert.match(done.stdout, /^restore a\.ts\nrewound 1 file\nundo: savepoint undo-rewind \S+ \S+ --yes\n$/);
    assert.equal(await a(), 'export const a = 1;\n');

    assert.match((await cli('undo-rewind', id)).stdout, /^restore a\.ts\n {10}changed constant `a`\nnothing written/);
    assert.equal((await cli('undo-rewind', id, '--yes')).stdout, 'restore a.ts\nrewind undone: 1 file restored\n');
    assert.equal(await a(), 'export const a = 2;\n');
    await assert.rejects(cli('undo-rewind', id, '--yes'), (e: { code?: number; stderr?: string }) => e.code === 2 && /no rewind left to undo/.test(e.stderr ?? ''));
    await assert.rejects(cli('rewind', id, 'two'), (e: { code?: number; stderr?: string }) => e.code === 2 && /rewind needs a step number/.test(e.stderr ?? ''));

    const forked = await cli('fork', id, '1', 'try a 3 instead');
    const forkId = forked.stdout.split(/\s+/)[0] as string;
    assert.match((await cli('list')).stdout, new RegExp(`${forkId} .*\\(fork of ${id} at step 1; tokens and cost since the fork\\)`));
    const resumed = await cli('resume', forkId, '--approvals', 'yes');
    assert.equal((JSON.parse(resumed.stdout.trim().split('\n').pop() as string) as { status: string }).status, 'completed');
    assert.deepEqual(server.violations(), []);
  });
  it('removes what a rewind cut short by a crash left beside the files, before a command that writes', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-'));
    const ws = await workspaceWithA(root);
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'w1' } },
    ]);
    const cli = cliOn(root, ws, server.url);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: SessionId }).sessionId;
    // A rewind whose process died after its record, before its rename (done here in-process).
    const store = await openCheckpointStore({ dir: join(root, 'store'), onLocked: 'fail' });
    const workspace = new NodeWorkspace(ws);
    const crashed = Object.create(workspace, {
      stageFiles: { value: async (...args: Parameters<typeof workspace.stageFiles>) => Object.assign(await workspace.stageFiles(...args), { apply: async () => Promise.reject(new Error('killed')) }) },
    }) as typeof workspace;
    await assert.rejects(applyRewind(store, crashed, await planRewind(store, workspace, id, 0)), /killed/);
    await store.close();
    const temps = async () => (await readdir(ws)).filter((n) => n.startsWith('.savepoint-'));
    assert.equal((await temps()).length, 1);
    await cli('rewind', id, '0');
    assert.deepEqual(await temps(), []);
    assert.equal(await readFile(join(ws, 'a.ts'), 'utf8'), 'export const a = 2;\n', 'the preview wrote nothing');
  });
});

describe('savepoint list: a store at rest is listed from what its last clean close left', function () {
  this.timeout(60_000);
  let root: string;
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists without opening the store while nothing has, and through the store once anything has', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-'));
    const ws = await workspaceWithA(root);
    const dir = join(root, 'store');
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    const a = await store.createSession({ title: 'first task' });
    const b = await store.createSession({ title: 'second task' });
    await store.close();
    const cli = cliOn(root, ws, 'http://127.0.0.1:9');
    const ids = (out: string) => out.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(ids((await cli('list')).stdout), [b.id, a.id]);
    // The file decides while CURRENT names its MANIFEST: a row only it holds is listed.
    writeListSnapshot(dir, currentManifest(dir), [{ ...b, id: 'ONLY-IN-THE-FILE' as SessionId, title: 'from the file' }]);
    const listed = (await cli('list')).stdout;
    assert.deepEqual(ids(listed), ['ONLY-IN-THE-FILE']);
    assert.match(listed, /from the file/);
    // Any opener makes it stale (here LevelDB alone, as an older version would): the store is read, and its close writes the file again.
    const raw = new ClassicLevel(dir);
    await raw.open();
    await raw.close();
    assert.deepEqual(ids((await cli('list')).stdout), [b.id, a.id]);
    assert.deepEqual(readListSnapshot(dir)?.map((s) => s.id), [b.id, a.id]);
  });

  it('shows a session another writer committed (events not in the runner\'s format) line by line, where it failed with an unexpected error', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-'));
    const ws = await workspaceWithA(root);
    const store = await openCheckpointStore({ dir: join(root, 'store'), onLocked: 'fail' });
    const s = await store.createSession({ title: 'written by another tool' });
    await store.commit({
      sessionId: s.id,
      expectedHeadSeq: s.headSeq,
      events: [
        { step: 1, type: 'model_turn', data: { text: 'reading the parser' } },
        { step: 1, type: 'tool_result', data: { ok: true } },
        { step: 1, type: 'message_added', data: null },
      ],
      summary: { stepCount: 1 },
    });
    await store.close();
    const out = await cliOn(root, ws, 'http://127.0.0.1:9')('show', s.id);
    const lines = out.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /written by another tool/);
    assert.match(lines[1] ?? '', /step {3}1 {2}model_turn \(not in the runner's format\): \{"text":"reading the parser"\}$/);
    assert.match(lines[2] ?? '', /tool_result \(not in the runner's format\): \{"ok":true\}$/);
    assert.match(lines[3] ?? '', /message_added \(not in the runner's format\): null$/);
    assert.equal(out.stderr, '');
  });
});
