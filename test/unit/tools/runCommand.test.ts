import assert from 'node:assert/strict';
import { realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { COMMAND_HEAD_BYTES, COMMAND_TAIL_BYTES, runCommandTool } from '../../../src/core/tools/runCommand';
import { call, FakeDiagnostics, scratch, text, toolContext } from './toolHarness';

describe('run_command', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('cmd');
  afterEach(() => tmp.cleanup());

  async function setup(signal?: AbortSignal) {
    const root = await realpath(await tmp.make({ 'sub/f.txt': 'in sub\n' }));
    return { root, ctx: toolContext(new NodeWorkspace(root), new FakeDiagnostics(), signal) };
  }

  it('runs in the workspace root, reports output and exit code, and counts as progress', async () => {
    const { root, ctx } = await setup();
    const r = await call(runCommandTool, { command: 'pwd; echo err >&2' }, ctx);
    assert.equal(r.output?.content, `${root}\nerr\n[Exit code 0.]`);
    assert.equal(r.output?.isError, undefined);
    assert.equal(r.output?.progressed, true);
    assert.equal(r.output?.full, undefined);
  });

  it('runs in a confined cwd, and refuses one outside or missing', async () => {
    const { root, ctx } = await setup();
    assert.equal((await call(runCommandTool, { command: 'cat f.txt', cwd: 'sub' }, ctx)).output?.content, 'in sub\n[Exit code 0.]');
    const outside = await tmp.make();
    await symlink(outside, path.join(root, 'out'));
    assert.equal((await call(runCommandTool, { command: 'touch pwned', cwd: 'out' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.equal((await call(runCommandTool, { command: 'true', cwd: '..' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.equal((await call(runCommandTool, { command: 'true', cwd: 'nope' }, ctx)).error?.code, 'NOT_FOUND');
    assert.equal((await call(runCommandTool, { command: 'true', cwd: 'sub/f.txt' }, ctx)).error?.code, 'INVALID_INPUT');
  });

  it('returns a non-zero exit as an error result the model can act on', async () => {
    const { ctx } = await setup();
    const r = await call(runCommandTool, { command: 'echo failing; exit 2' }, ctx);
    assert.equal(r.output?.isError, true);
    assert.equal(r.output?.content, 'failing\n[Exit code 2.]');
    assert.equal((await call(runCommandTool, { command: 'true' }, ctx)).output?.content, '[No output.]\n[Exit code 0.]');
  });

  it('keeps the head and tail of long output, with a marker, and the whole output in full', async () => {
    const { ctx } = await setup();
    const r = await call(runCommandTool, { command: 'i=0; while [ $i -lt 5000 ]; do echo "line $i"; i=$((i+1)); done' }, ctx);
    const content = r.output!.content;
    assert.ok(content.startsWith('line 0\nline 1\n'));
    assert.ok(content.includes('line 4999\n[Exit code 0.]'));
    const marker = /\[\.\.\. (\d+) bytes cut \.\.\.\]/.exec(content);
    assert.ok(marker, 'a cut marker');
    const full = text(r.output?.full)!;
    assert.equal(full.split('\n').length, 5001);
    assert.equal(Number(marker[1]), full.length - COMMAND_HEAD_BYTES - COMMAND_TAIL_BYTES);
    assert.ok(content.length < COMMAND_HEAD_BYTES + COMMAND_TAIL_BYTES + 200);
  });

  it('kills a command that times out, with its grandchildren, and says so', async () => {
    const { ctx } = await setup();
    const started = Date.now();
    const r = await call(runCommandTool, { command: "sh -c 'sleep 30 & wait'", timeout_ms: 300 }, ctx);
    assert.equal(r.output?.isError, true);
    assert.match(r.output!.content, /Timed out after 300 ms/);
    assert.ok(Date.now() - started < 10_000);
    assert.equal((await call(runCommandTool, { command: 'true', timeout_ms: 600_001 }, ctx)).error?.code, 'INVALID_INPUT');
  });

  it('tells the model which processes it started outside its group were stopped (a server started with setsid does not run on)', async function () {
    if (process.platform !== 'linux') this.skip();
    const { ctx } = await setup();
    const r = await call(runCommandTool, { command: `setsid sleep 300 & p=$!; while [ "$(cut -d' ' -f5 /proc/$p/stat)" = "$(cut -d' ' -f5 /proc/$$/stat)" ]; do sleep 0.05; done; echo started` }, ctx);
    assert.equal(r.output?.content, 'started\n[Exit code 0.]\n[Stopped 1 process the command had started outside its process group (setsid, a daemon): sleep. No process outlives the command that started it.]');
  });

  it('stops when the session is aborted', async () => {
    const ac = new AbortController();
    const { ctx } = await setup(ac.signal);
    setTimeout(() => ac.abort(), 200);
    const r = await call(runCommandTool, { command: 'sleep 30' }, ctx);
    assert.equal(r.output?.isError, true);
    assert.match(r.output!.content, /Cancelled/);
  });
});

describe('run_command: the model credentials stay out of the commands the agent runs', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('cmdenv');
  const saved = { key: process.env.ANTHROPIC_API_KEY, token: process.env.ANTHROPIC_AUTH_TOKEN };
  afterEach(async () => {
    for (const [name, v] of [['ANTHROPIC_API_KEY', saved.key], ['ANTHROPIC_AUTH_TOKEN', saved.token]] as const) {
      if (v === undefined) delete process.env[name];
      else process.env[name] = v;
    }
    await tmp.cleanup();
  });

  it('`env` shows neither ANTHROPIC_API_KEY nor ANTHROPIC_AUTH_TOKEN (as the CLI and an editor started with the key have them): the output goes to the model and into the store', async () => {
    process.env.ANTHROPIC_API_KEY = 'sk-ant-api03-secret-key-for-the-test';
    process.env.ANTHROPIC_AUTH_TOKEN = 'secret-bearer-token-for-the-test';
    process.env.SAVEPOINT_TEST_OTHER = 'kept';
    try {
      const root = await realpath(await tmp.make());
      const r = await call(runCommandTool, { command: 'env; printenv ANTHROPIC_API_KEY; echo "[$ANTHROPIC_AUTH_TOKEN]"' }, toolContext(new NodeWorkspace(root)));
      const shown = r.output?.content ?? String(r.error);
      // The values themselves: the word alone is also in a checkout's path, which `env` shows.
      assert.ok(!shown.includes('sk-ant-api03-secret-key-for-the-test') && !shown.includes('secret-bearer-token-for-the-test'), shown);
      assert.match(shown, /SAVEPOINT_TEST_OTHER=kept/, 'the rest of the environment is passed on');
      assert.match(shown, /^\[\]$/m);
    } finally {
      delete process.env.SAVEPOINT_TEST_OTHER;
    }
  });

  it('nor does a runner given an environment of its own, whatever the letter case of the name', async () => {
    const root = await realpath(await tmp.make());
    const runner = new NodeProcessRunner({ PATH: process.env.PATH, ANTHROPIC_API_KEY: 'secret-1', anthropic_auth_token: 'secret-2' });
    const r = await runner.run('env', { cwd: root, timeoutMs: 10_000, env: { ANTHROPIC_API_KEY: 'secret-3' } });
    const shown = Buffer.from(r.output).toString('utf8');
    assert.doesNotMatch(shown, /secret-[123]/);
  });
});
