import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The CLI on a real terminal (a pty made by util-linux `script`); `key` is typed once the approval prompt shows. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv, key: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qfec', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let typed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (!typed && output.includes('[p]ark? ')) {
        typed = true;
        child.stdin.write(key);
      }
    });
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('savepoint run at the approval prompt on a terminal: Ctrl+C or Ctrl+D (real pty)', function () {
  this.timeout(90_000);
  let root: string;
  let server: ScriptedModelServer;
  before(function () {
    // The pty comes from util-linux `script`; without it there is no terminal to type into.
    if (spawnSync('script', ['--version']).status !== 0) this.skip();
  });
  afterEach(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const [name, key] of [['Ctrl+C', '\x03'], ['Ctrl+D', '\x04']] as const) {
    it(`${name} parks the question (exit 3, the session waits; nothing runs): it was an "unexpected failure" with a stack trace, exit 1`, async () => {
      root = await mkdtemp(join(tmpdir(), 'savepoint-cli-prompt-'));
      const ws = join(root, 'ws');
      await mkdir(ws);
      server = await ScriptedModelServer.start([
        { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'echo ran > ran.txt' } }] },
        { type: 'message', content: [{ type: 'text', text: 'done' }] },
      ]);
      const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') };
      const common = ['--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url];
      const r = await onTerminal(['run', 'write ran.txt', ...common], env, key);
      assert.doesNotMatch(r.output, /unexpected failure|AbortError|at .*\.js:\d+/, r.output);
      assert.match(r.output, /parked: answer later with `savepoint approve \S+`/, r.output);
      assert.equal(r.code, 3, r.output);
      assert.equal(existsSync(join(ws, 'ran.txt')), false, 'the command did not run');
      const listed = (await run(process.execPath, [CLI, 'list', ...common], { env })).stdout;
      assert.match(listed, /^\S+ {2}waiting .*waiting: /, listed);
    });
  }
});
