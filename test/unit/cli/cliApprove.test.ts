import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

/** The CLI in a child process; a non-zero exit (3: waiting) is a result here, not a failure. */
const cliOn =
  (root: string, ws: string, url: string) =>
  (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } }, (e, stdout, stderr) =>
        resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

const outcome = (r: CliRun) => JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { sessionId: string; status: string };

/** A read (auto), then (past a one-step budget) a command the user has never seen, then the answer. */
const STEPS = (): StepInput[] => [
  { type: 'message', content: [{ type: 'tool_use', id: 'r1', name: 'read_file', input: { path: 'a.txt' } }] },
  { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'echo pwned > pwned.txt' } }], expect: { toolResultFor: 'r1' } },
  { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'c1' } },
];

describe('savepoint approve, for a budget question', function () {
  this.timeout(60_000);
  let root: string;
  let server: ScriptedModelServer;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function parkedOnBudget(): Promise<{ cli: ReturnType<typeof cliOn>; ws: string; id: string }> {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cliapprove-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.txt'), 'hello\n');
    server = await ScriptedModelServer.start(STEPS());
    const cli = cliOn(root, ws, server.url);
    const started = await cli('run', '--approvals', 'park', '--max-steps', '1', 'read a.txt');
    assert.equal(outcome(started).status, 'waiting', started.stderr);
    assert.match(started.stderr, /budget exhausted/);
    // As --help says: 4, a budget stopped it (3 is a call waiting for approval), and the outcome line says which budget.
    assert.equal(started.code, 4, `the exit code of a run a budget stopped:\n${started.stdout}`);
    assert.match((outcome(started) as { reason?: string }).reason ?? '', /steps budget used: 1 of 1/);
    return { cli, ws, id: outcome(started).sessionId };
  }

  it('approves only the budget: a later tool call waits for the user instead of being approved with it', async () => {
    const { cli, ws, id } = await parkedOnBudget();
    const approved = await cli('approve', id, '--resume');
    await assert.rejects(readFile(join(ws, 'pwned.txt')), `a command the user never saw ran, approved by the budget's answer:\n${approved.stderr}`);
    assert.equal(outcome(approved).status, 'waiting', approved.stderr);
    assert.equal(approved.code, 3, 'waiting for the approval of a call');
    assert.match((await cli('list')).stdout, /waiting: .*mutate tools ask first/);
  });

  it('without --resume records the answer and runs nothing', async () => {
    const { cli, ws, id } = await parkedOnBudget();
    const before = server.requestCount();
    const approved = await cli('approve', id);
    assert.equal(server.requestCount(), before, `the model was asked again without --resume:\n${approved.stderr}`);
    await assert.rejects(readFile(join(ws, 'pwned.txt')));
  });
});
