import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

interface Refusal {
  code?: number;
  stdout?: string;
  stderr?: string;
}

describe('the savepoint CLI refuses a command line it cannot take whole, before it writes anything (child process)', function () {
  this.timeout(90_000);
  let root: string;
  let ws: string;
  let id: string;
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', 'http://127.0.0.1:9'], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
  const refused = (args: string[], message: RegExp) =>
    assert.rejects(cli(...args), (e: Refusal) => {
      assert.equal(e.code, 2, `${args.join(' ')}: ${e.stderr}`);
      assert.match(e.stderr ?? '', message, args.join(' '));
      assert.doesNotMatch(e.stderr ?? '', /unexpected|at .*\.js:\d+/, 'no stack trace');
      assert.equal(e.stdout, '', `${args.join(' ')} printed nothing`);
      return true;
    });
  const a = () => readFile(join(ws, 'a.ts'), 'utf8');
  const sessions = async () => (await cli('list')).stdout.trim().split('\n').length;

  /** The CLI with its output going to a reader that has already gone (as in `| head -1` once head has its line). */
  const toClosedPipe = (...args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store')], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stderr }));
    });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-args-'));
    ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
    const server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      { type: 'message', content: [{ type: 'tool_use', id: 'w2', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 3;\n' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    try {
      const started = await run(process.execPath, [CLI, 'run', '--approvals', 'yes', 'count up', '--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
      id = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    } finally {
      await server.close();
    }
    assert.equal(await a(), 'export const a = 3;\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('takes a step only as a plain whole number: an empty one, hex, an exponent or a sign is refused, not read as step 0, 16 or 1000', async () => {
    for (const step of ['', ' ', '0x1', '1e0', '+1', '1.0']) {
      await refused(['rewind', id, step, '--yes'], /rewind needs a step number \(0: before the session\), got "/);
      await refused(['fork', id, step], /fork needs a step number/);
      await refused(['outline', id, step], /outline needs a step number/);
      await refused(['diff', id, step], /diff needs a step number/);
    }
    assert.equal(await a(), 'export const a = 3;\n', 'no rewind ran');
    assert.equal(await sessions(), 1, 'no fork was made');
    assert.match((await cli('diff', id, '02')).stdout, /^## step 2 /, 'leading zeros are still a number');
  });

  it('output to a closed pipe (| head -1) ends the output, not the command: no EPIPE stack, and a rewind with --yes is done whole', async () => {
    for (const args of [['show', id], ['diff', id], ['list']]) {
      const r = await toClosedPipe(...args);
      assert.equal(r.stderr, '', `${args[0]}: nothing on stderr`);
      assert.equal(r.code, 0, args[0]);
    }
    const r = await toClosedPipe('rewind', id, '1', '--yes');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(await a(), 'export const a = 2;\n', 'the rewind was done');
    assert.match((await cli('undo-rewind', id, '--yes')).stdout, /rewind undone: 1 file restored/, 'and recorded whole: its undo works');
    assert.equal(await a(), 'export const a = 3;\n');
  });

  it('refuses an argument left over or an option the command does not take, instead of ignoring it: `rewind S 1 --yes 2` rewound to step 1', async () => {
    await refused(['rewind', id, '1', '--yes', '2'], /^savepoint: rewind takes SESSION STEP; left over: "2" \(nothing was done\)\n$/);
    await refused(['fork', id, '1', '--yes'], /^savepoint: fork does not take --yes \(rewind, undo-rewind does\); nothing was done\n$/);
    await refused(['undo-rewind', id, '--mode', 'both'], /undo-rewind does not take --mode \(rewind does\)/);
    await refused(['diff', id, '1', 'a.ts'], /diff takes SESSION \[STEP\]; left over: "a\.ts"/);
    await refused(['outline', id, '1', 'a.ts', 'b.ts'], /left over: "b\.ts"/);
    await refused(['show', id, '--message', 'hi'], /show does not take --message/);
    await refused(['list', id], /list takes no argument; left over/);
    await refused(['rewnd', id, '1'], /unknown command "rewnd"/);
    assert.equal(await a(), 'export const a = 3;\n', 'no rewind ran');
    assert.equal(await sessions(), 1, 'no fork was made');
    // What the commands take is still taken, with the options every command accepts.
    assert.match((await cli('rewind', id, '1', '--mode', 'files', '--model', 'm')).stdout, /nothing written: add --yes/);
    assert.match((await cli('fork', id, '1', 'go', 'on', 'now')).stdout, /continue it: savepoint resume/);
  });

  it('an unknown option is named with where the options are listed: Node\'s advice, to put it after `--`, made it part of the task or a session id', async () => {
    await refused(['rewind', id, '1', '--yse'], /^savepoint: unknown option --yse \(savepoint --help lists the options\); nothing was done\n$/);
    await refused(['run', '--dry-run', 'do it'], /^savepoint: unknown option --dry-run /);
    await refused(['list', '-x'], /^savepoint: unknown option -x /);
    assert.equal(await a(), 'export const a = 3;\n', 'no rewind ran');
  });

  it('--store naming a file, not a folder, says so (exit 1) where it was an unexpected failure with a stack trace', async () => {
    const file = join(root, 'not-a-folder');
    await writeFile(file, 'mine\n');
    for (const args of [['show', id], ['list'], ['rewind', id, '1']]) {
      await assert.rejects(run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', file], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } }), (e: Refusal) => {
        assert.equal(e.code, 1, e.stderr);
        assert.equal(e.stderr, `savepoint: opening the store in ${file}: it is a file, not a folder\n`);
        return true;
      });
    }
    assert.equal(await readFile(file, 'utf8'), 'mine\n', 'the file is left as it was');
  });

  it('a session that is not there is exit 1 for show as for every other command (show said exit 2, a wrong command line), and the exit codes are in the usage', async () => {
    for (const args of [['show', 'nosuch'], ['diff', 'nosuch'], ['outline', 'nosuch', '1'], ['rewind', 'nosuch', '1'], ['undo-rewind', 'nosuch'], ['fork', 'nosuch', '1']]) {
      await assert.rejects(cli(...args), (e: Refusal) => {
        assert.equal(e.code, 1, `${args[0]}: ${e.stderr}`);
        assert.equal(e.stderr, 'savepoint: no session nosuch in this workspace\n', args[0]);
        return true;
      });
    }
    const usage = (await cli('--help')).stdout;
    assert.match(usage, /\nexit codes: 0 done \(a preview too\), 1 failed \(no such session or step[\s\S]* 2 the\s+command line is wrong or has nothing to act on \(no rewind left to undo[\s\S]* 3 [\s\S]* 5 another\s+process/);
  });

  it('a command on a session in a workspace with no sessions says so and leaves no store behind (it made an empty one, and said only "no session")', async () => {
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    const data = join(root, 'data-elsewhere');
    const there = (store: string[], ...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', elsewhere, '--base-url', 'http://127.0.0.1:9', ...store], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: data } });
    const missing = join(root, 'no-store-here');
    for (const store of [[], ['--store', missing]]) {
      for (const args of [['show', id], ['diff', id, '1'], ['outline', id, '1'], ['rewind', id, '1', '--yes'], ['undo-rewind', id], ['fork', id, '1'], ['compacted', id], ['approve', id]]) {
        await assert.rejects(there(store, ...args), (e: Refusal) => {
          assert.equal(e.code, 1, `${args[0]}: ${e.stderr}`);
          const where = store.length ? ` in ${missing} (is --workspace or --store right?)` : ' (is --workspace right?)';
          assert.equal(e.stderr, `savepoint: no session ${id} in this workspace: ${elsewhere} has no sessions${where}\n`, args[0]);
          return true;
        });
      }
      assert.equal((await there(store, 'list')).stdout, '');
      await assert.rejects(there(store, 'resume'), (e: Refusal) => e.code === 2 && /no unfinished session to resume/.test(e.stderr ?? ''));
      await assert.rejects(there(store, 'show'), (e: Refusal) => e.code === 2 && /show needs a session id/.test(e.stderr ?? ''));
    }
    assert.deepEqual([existsSync(missing), existsSync(join(data, 'savepoint', 'workspaces'))], [false, false], 'no store was made');
  });
});
