import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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

describe('the savepoint CLI with a --workspace that is not a folder (child process)', function () {
  this.timeout(90_000);
  let root: string;
  let server: ScriptedModelServer;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses run, resume, approve, rewind and undo-rewind before anything is made or asked: run made a store and a session left "running", spent a model call, then failed with a stack trace', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-ws-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') };
    const cli = (workspace: string, store: string, ...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', workspace, '--store', store, '--base-url', server.url], { env });
    const store = join(root, 'store');
    const done = await cli(ws, store, 'run', '--approvals', 'yes', 'make a 2');
    const id = (JSON.parse(done.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const requests = server.requests().length;

    const missing = join(root, 'no-such-folder');
    const file = join(ws, 'a.ts');
    const cases: [string, string, string[]][] = [
      [missing, join(root, 'new-store'), ['run', '--approvals', 'yes', 'make a 2']],
      [missing, store, ['resume', id]],
      [missing, store, ['approve', id, '--resume']],
      [missing, store, ['rewind', id, '0']],
      [missing, store, ['rewind', id, '0', '--yes']],
      [file, store, ['undo-rewind', id, '--yes']],
      [file, join(root, 'new-store'), ['run', 'make a 2']],
    ];
    for (const [workspace, at, args] of cases) {
      await assert.rejects(cli(workspace, at, ...args), (e: Refusal) => {
        assert.equal(e.code, 2, `${args.join(' ')}: ${e.stderr}`);
        const what = workspace === missing ? 'does not exist' : 'is a file, not a folder';
        assert.equal(e.stderr, `savepoint: the workspace ${workspace} ${what} (is --workspace right?); nothing was done\n`, args.join(' '));
        assert.equal(e.stdout, '');
        return true;
      });
    }
    assert.equal(existsSync(join(root, 'new-store')), false, 'no store was made');
    assert.equal(existsSync(missing), false, 'no folder was made');
    assert.equal(server.requests().length, requests, 'no model call was made');
    assert.equal(await readFile(file, 'utf8'), 'export const a = 2;\n');
    assert.match((await cli(ws, store, 'list')).stdout, new RegExp(`^${id}  completed `), 'the session is as it was');
  });
});
