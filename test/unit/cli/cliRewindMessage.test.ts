import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { type StepInput, errorStep } from '../../../src/core/scripted/scenario';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

describe('the CLI conversation rewind', function () {
  this.timeout(60_000);
  let root: string;
  let server: ScriptedModelServer;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** A workspace with a.ts, the scripted model (its first turn writes a = 2, then `rest`), and the CLI on both. */
  async function setUp(rest: StepInput[]) {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      ...rest,
    ]);
    const cli = (...args: string[]) =>
      run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
    /** Exit code and output of a command, whether it failed or not. */
    const outcome = (p: Promise<{ stdout: string }>) => p.then((x) => ({ code: 0, out: x.stdout }), (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }));
    return { ws, cli, outcome };
  }

  it('prints an undo command only when there is something to undo, and the one it prints works', async () => {
    const { ws, cli, outcome } = await setUp([
      { type: 'message', content: [{ type: 'tool_use', id: 'r2', name: 'read_file', input: { path: 'a.ts' } }], expect: { toolResultFor: 'w1' } },
      // The model call of step 3 fails for good: the session stops (failed) with two steps done.
      errorStep(400, { errorType: 'invalid_request_error', message: 'bad request' }),
    ]);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2').catch((e: { stdout: string }) => e);
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const done = await cli('rewind', id, '1', '--mode', 'conversation', '--yes');
    assert.equal(await readFile(join(ws, 'a.ts'), 'utf8'), 'export const a = 2;\n', 'conversation mode writes no file');
    // A conversation rewind with no memory write to give back has nothing to undo: no undo command is offered.
    assert.doesNotMatch(done.stdout, /undo:/, done.stdout);
    const r = await outcome(cli('undo-rewind', id, '--yes'));
    assert.equal(r.code, 2);
    assert.match(r.out, /has no rewind left to undo/);
    // A files rewind has: the command it prints works.
    const files = await cli('rewind', id, '0', '--yes');
    assert.equal(await readFile(join(ws, 'a.ts'), 'utf8'), 'export const a = 1;\n');
    const undo = /undo: savepoint (undo-rewind \S+ \S+) --yes/.exec(files.stdout);
    assert.ok(undo, files.stdout);
    await cli(...(undo[1] as string).split(' '), '--yes');
    assert.equal(await readFile(join(ws, 'a.ts'), 'utf8'), 'export const a = 2;\n');
  });

  it('continues from the last step of a finished session with --message, and refuses --message for a files-only rewind', async () => {
    const { cli, outcome } = await setUp([{ type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'w1' } }]);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string; status: string }).sessionId;
    // The preview says so first, instead of telling the user to add --yes, which is then refused.
    const preview = await cli('rewind', id, '2', '--mode', 'both');
    assert.match(preview.stdout, /step 2 ended the session: add --message TEXT/, preview.stdout);
    assert.doesNotMatch(preview.stdout, /add --yes/, preview.stdout);
    const without = await outcome(cli('rewind', id, '2', '--mode', 'both', '--yes'));
    assert.equal(without.code, 1);
    assert.match(without.out, /ended the session: a fork from it needs a message/);
    const files = await outcome(cli('rewind', id, '1', '--message', 'go on', '--yes'));
    assert.equal(files.code, 2);
    assert.match(files.out, /--message goes with --mode both or conversation/);
    const done = await cli('rewind', id, '2', '--mode', 'both', '--message', 'now set it to 3', '--yes');
    assert.match(done.stdout, /the conversation continues in session (\S+)/);
  });

  it('says which folders the rewind removed: those a later step made, which its deletions emptied', async () => {
    const { ws, cli } = await setUp([
      // Step 2 comes later than the file clock's granularity after step 1: its folder is born after step 1 ended.
      { type: 'message', delayMs: 100, content: [{ type: 'tool_use', id: 'w2', name: 'write_file', input: { path: 'gen/out/b.ts', content: 'export const b = 1;\n' } }], expect: { toolResultFor: 'w1' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'w2' } },
    ]);
    const started = await cli('run', '--approvals', 'yes', 'add b');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const done = await cli('rewind', id, '1', '--yes');
    assert.match(done.stdout, /rewound 1 file; removed the folders it emptied that steps after 1 had made: gen, gen\/out\n/);
    assert.deepEqual(await readdir(ws), ['a.ts']);
  });

  it('names a removed folder whose name holds a line break on the same row', async () => {
    const { ws, cli } = await setUp([
      { type: 'message', delayMs: 100, content: [{ type: 'tool_use', id: 'w2', name: 'write_file', input: { path: 'two\nlines/b.ts', content: 'export const b = 1;\n' } }], expect: { toolResultFor: 'w1' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'w2' } },
    ]);
    const started = await cli('run', '--approvals', 'yes', 'add b');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    assert.deepEqual((await readdir(ws)).sort(), ['a.ts', 'two\nlines']);
    // Each row of show and diff that names the file keeps it on that row.
    for (const c of [["show", id], ["diff", id, "2"]]) { const o = (await cli(...c)).stdout; assert.doesNotMatch(o, /^lines\//m, `${c[0]}: ${o}`); }
    const done = await cli('rewind', id, '1', '--yes');
    assert.match(done.stdout, /^delete +two ⏎ lines\/b\.ts\nrewound 1 file; removed the folders it emptied that steps after 1 had made: two ⏎ lines\n/, JSON.stringify(done.stdout));
  });

  it('--overwrite takes a conflict written as ./a.ts, and says on stderr that a path which is no conflict is ignored, at the preview too, which says the conflict would be overwritten', async () => {
    const { ws, cli } = await setUp([{ type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'w1' } }]);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    await writeFile(join(ws, 'a.ts'), 'export const a = 9; // the user\'s\n');
    const preview = await cli('rewind', id, '0');
    assert.match(preview.stdout, /restore +a\.ts +\(edited outside the session: kept unless --overwrite\)/);
    // The preview with --overwrite says what the rewind would do with it, and checks the paths before --yes.
    const asked = await cli('rewind', id, '0', '--overwrite', 'a.ts', '--overwrite', 'b.ts');
    assert.match(asked.stdout, /restore +a\.ts +\(edited outside the session: overwritten, as --overwrite asks\)/);
    assert.match(asked.stdout, /nothing written: add --yes/);
    assert.match(asked.stderr, /--overwrite b\.ts: not a file changed outside the session here \(those are: a\.ts\); ignored/);
    assert.equal(await readFile(join(ws, 'a.ts'), 'utf8'), 'export const a = 9; // the user\'s\n', 'a preview writes nothing');
    const done = await cli('rewind', id, '0', '--yes', '--overwrite', './a.ts', '--overwrite', 'b.ts');
    assert.equal(await readFile(join(ws, 'a.ts'), 'utf8'), 'export const a = 1;\n', './a.ts names the conflict a.ts');
    assert.match(done.stderr, /--overwrite b\.ts: not a file changed outside the session here \(those are: a\.ts\); ignored/);
    assert.match(done.stdout, /rewound 1 file/);
  });
  it('a conversation rewind\'s preview names the long-term memory writes it would take back, and its result says how many it took back', async () => {
    const { cli } = await setUp([
      { type: 'message', content: [{ type: 'tool_use', id: 'm2', name: 'remember', input: { kind: 'fact', text: 'The answer is 42.' } }], expect: { toolResultFor: 'w1' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'm2' } },
    ]);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const before = await cli('memory', 'list');
    assert.match(before.stdout, /The answer is 42\./);
    const preview = await cli('rewind', id, '1', '--mode', 'conversation');
    assert.match(preview.stdout, /takes back 2 long-term memory writes this session made after step 1/, preview.stdout);
    assert.match(preview.stdout, /The answer is 42\./, preview.stdout);
    assert.match((await cli('memory', 'list')).stdout, /The answer is 42\./, 'the preview wrote nothing');
    const done = await cli('rewind', id, '1', '--mode', 'conversation', '--yes');
    assert.match(done.stdout, /took back 2 long-term memory writes/, done.stdout);
    assert.doesNotMatch((await cli('memory', 'list')).stdout, /The answer is 42\./);
  });

  it('the undo of a conversation rewind previews the long-term memory writes it brings back, and says it brought them back', async () => {
    const { cli } = await setUp([
      { type: 'message', content: [{ type: 'tool_use', id: 'm2', name: 'remember', input: { kind: 'fact', text: 'The answer is 42.' } }], expect: { toolResultFor: 'w1' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'm2' } },
    ]);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2');
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    await cli('rewind', id, '1', '--mode', 'conversation', '--yes');
    const preview = await cli('undo-rewind', id);
    assert.match(preview.stdout, /brings back 2 long-term memory writes the rewind took back/, preview.stdout);
    assert.doesNotMatch((await cli('memory', 'list')).stdout, /The answer is 42\./, 'the preview wrote nothing');
    const done = await cli('undo-rewind', id, '--yes');
    assert.match(done.stdout, /rewind undone: 0 files restored; brought back 2 long-term memory writes\n/, done.stdout);
    assert.match((await cli('memory', 'list')).stdout, /The answer is 42\./);
  });
  it('fork takes its message from --message too, as rewind does, instead of dropping it and starting a fork with no message', async () => {
    const { cli, outcome } = await setUp([
      { type: 'message', content: [{ type: 'tool_use', id: 'r2', name: 'read_file', input: { path: 'a.ts' } }], expect: { toolResultFor: 'w1' } },
      errorStep(400, { errorType: 'invalid_request_error', message: 'bad request' }),
      { type: 'message', content: [{ type: 'text', text: 'forked and done' }], expect: { lastUserContains: 'try a 3 instead' } },
    ]);
    const started = await cli('run', '--approvals', 'yes', 'set a to 2').catch((e: { stdout: string }) => e);
    const id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const forked = await cli('fork', id, '1', '--message', 'try a 3 instead');
    const forkId = forked.stdout.split(/\s+/)[0] as string;
    const resumed = await cli('resume', forkId, '--approvals', 'yes');
    assert.equal((JSON.parse(resumed.stdout.trim().split('\n').pop() as string) as { status: string }).status, 'completed');
    assert.deepEqual(server.violations(), [], 'the model got the message given with --message');
    const both = await outcome(cli('fork', id, '1', 'one message', '--message', 'another'));
    assert.equal(both.code, 2);
    assert.match(both.out, /fork takes one message/);
  });
  it('the preview of a conversation rewind to a step that never finished (a question parked) says where the conversation goes back to', async () => {
    const { cli } = await setUp([]);
    const parked = await cli('run', '--approvals', 'park', 'set a to 2').catch((e: { stdout: string }) => e);
    const id = (JSON.parse(parked.stdout.trim().split('\n').pop() as string) as { sessionId: string; status: string }).sessionId;
    const preview = await cli('rewind', id, '1', '--mode', 'conversation');
    assert.match(preview.stdout, /step 1 never finished: the conversation goes back to its start\nnothing written: add --yes/, preview.stdout);
  });
});
