import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import type { StepInput } from '../../../src/core/scripted/scenario';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

const cutText = (text: string): StepInput => ({ type: 'message', stop_reason: 'max_tokens', content: [{ type: 'text', text }] });
const done: StepInput = { type: 'message', content: [{ type: 'text', text: 'done' }] };

describe('the CLI flags --stream-idle-seconds and --max-continuations', function () {
  this.timeout(60_000);
  let root: string;
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function cli(steps: StepInput[], ...args: string[]) {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-limits-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    server = await ScriptedModelServer.start(steps);
    const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') };
    return run(process.execPath, [CLI, 'run', ...args, '--approvals', 'yes', '--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url, 'explain'], { env }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  }

  const outcome = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() as string) as { status: string; reason?: string };

  it('--stream-idle-seconds: a stream silent for longer is abandoned and retried at once, not after 90 s', async () => {
    const started = Date.now();
    const r = await cli([{ ...done, stall: { afterEvents: 2 } }, done], '--stream-idle-seconds', '5');
    assert.equal(outcome(r.stdout).status, 'completed', r.stderr);
    assert.equal(server!.requestCount(), 2, 'the stalled attempt was retried');
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
  });

  it('--max-continuations: a cut answer is continued that many times, then the session says it is incomplete', async () => {
    const r = await cli([cutText('part 1'), cutText('part 2'), done], '--max-continuations', '1');
    const o = outcome(r.stdout);
    assert.equal(o.status, 'completed', r.stderr);
    assert.match(o.reason ?? '', /incomplete.*2 times in a row and was continued 1 times/);
    assert.equal(server!.requestCount(), 2);
  });

  it('refuses a value that is not a whole number in range, before anything runs', async () => {
    for (const [flag, value] of [['--max-continuations', '1.5'], ['--max-continuations', '-1'], ['--stream-idle-seconds', '4'], ['--stream-idle-seconds', 'soon']]) {
      const r = (await cli([done], `${flag}=${value}`)) as { code?: number; stderr: string };
      assert.equal(r.code, 2, `${flag} ${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${flag} needs a whole number`));
      assert.equal(server!.requestCount(), 0);
      await server?.close();
      server = undefined;
      await rm(root, { recursive: true, force: true });
    }
  });
});
