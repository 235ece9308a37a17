import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, cliScratch, type CliScratch } from './cliChild';

/** The CLI with `input` on its standard input (a pipe, as `savepoint run - < TASK.md` gives it). */
function withInput(s: CliScratch, input: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args, '--workspace', s.ws, '--store', s.store, '--base-url', s.server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(s.root, 'data') } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * A task of several lines kept in a file (TASK.md) had to be pasted inside shell quotes. `savepoint
 * run -` reads the task from standard input: `savepoint run - < TASK.md`, or a here-document.
 */
describe('savepoint run - (the task from standard input)', function () {
  this.timeout(60_000);
  const make = cliScratch('savepoint-cli-stdin-');
  const TASK = 'Fix the parser\n\n- keep the old exports\n- add a test for "a;b"\n';

  it('runs the task read to its end: the model gets every line, the title is the first', async () => {
    const s = await make([{ type: 'message', content: [{ type: 'text', text: 'Done.' }], expect: { lastUserContains: TASK.trim() } }]);
    const r = await withInput(s, TASK, 'run', '-');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.server.violations(), []);
    assert.match((await s.cli('list')).stdout, /completed .* Fix the parser\n$/);
  });

  it('an empty input is refused with exit 2, and nothing is started', async () => {
    const s = await make([]);
    const r = await withInput(s, ' \n', 'run', '-');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /run - read no task from standard input/);
    assert.equal(s.server.requests().length, 0);
  });
});
