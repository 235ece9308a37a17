import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import type { StepInput } from '../../../src/core/scripted/scenario';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** An ordinary command (asked by the category rule), then a recursive delete (only the user may approve it), then the answer. */
const STEPS = (): StepInput[] => [
  { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'echo ok > ok.txt' } }] },
  { type: 'message', content: [{ type: 'tool_use', id: 'c2', name: 'run_command', input: { command: 'rm -rf build' } }], expect: { toolResultFor: 'c1' } },
  { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'c2' } },
];

describe('savepoint run --approvals yes', function () {
  this.timeout(60_000);
  let root: string;
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('approves the calls a timeout may approve, and parks a call only the user may approve (rm -rf) instead of running it', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cliyes-'));
    const ws = join(root, 'ws');
    await mkdir(join(ws, 'build'), { recursive: true });
    await writeFile(join(ws, 'build', 'keep.txt'), 'keep\n');
    server = await ScriptedModelServer.start(STEPS());
    const url = server.url;
    const cli = (...args: string[]): Promise<CliRun> =>
      new Promise((resolve) => {
        execFile(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } }, (e, stdout, stderr) =>
          resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const started = await cli('run', '--approvals', 'yes', 'clean up');
    assert.equal(await readFile(join(ws, 'ok.txt'), 'utf8'), 'ok\n', started.stderr);
    assert.ok((await stat(join(ws, 'build', 'keep.txt'))).isFile(), `rm -rf ran unasked under --approvals yes:\n${started.stderr}`);
    assert.equal(started.code, 3, started.stderr);
    assert.match(started.stderr, /recursive delete/);
    assert.match(started.stderr, /savepoint approve/);
  });
});
