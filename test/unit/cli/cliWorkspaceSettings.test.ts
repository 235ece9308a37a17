import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

/** Exit code and output of a command, whether it failed or not. */
const settled = (p: Promise<{ stdout: string; stderr: string }>) =>
  p.then(
    (x) => ({ code: 0, ...x }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const command = (id: string, text: string, after?: string): StepInput => ({ type: 'message', content: [{ type: 'tool_use', id, name: 'run_command', input: { command: text } }], ...(after ? { expect: { toolResultFor: after } } : {}) });
const done = (after: string): StepInput => ({ type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: after } });

describe("the CLI reads the workspace's .vscode/settings.json as the editor does", function () {
  this.timeout(60_000);
  const make = cliScratch('savepoint-cliws-');

  async function settings(ws: string, text: string): Promise<void> {
    await mkdir(join(ws, '.vscode'), { recursive: true });
    await writeFile(join(ws, '.vscode', 'settings.json'), text);
  }

  it("an alwaysAsk pattern of the workspace's (in JSON with comments) parks its command under --approvals yes", async () => {
    const { ws, cli } = await make([command('c1', 'echo pushed > pushed.txt'), done('c1')]);
    await settings(ws, '{\n  // the team asks before anything that pushes\n  "savepoint.approval.alwaysAsk": ["pushed"],\n}\n');
    const r = await settled(cli('run', '--approvals', 'yes', 'push it'));
    assert.equal(existsSync(join(ws, 'pushed.txt')), false, `ran unasked:\n${r.stderr}`);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /savepoint approve/);
  });

  it("the workspace's ignored paths are not recorded by the capture; a repository's choice is said", async () => {
    const { ws, cli } = await make([command('c1', 'mkdir -p gen && echo g > gen/out.txt && echo s > src.txt'), done('c1')]);
    await settings(ws, '{ "savepoint.ignore": ["gen/**"] }');
    const r = await cli('run', '--approvals', 'yes', 'generate');
    assert.match(r.stderr, /settings\.json: savepoint\.ignore is .*gen\/\*\*/, r.stderr);
    const id = (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const show = (await cli('show', id)).stdout;
    assert.match(show, /^ +A src\.txt$/m, show);
    assert.doesNotMatch(show, /^ +A gen\/out\.txt$/m, show);
  });

  it('a budget of the workspace stops the run sooner than the command line asks; a looser one is not used, and it is said', async () => {
    const { ws, cli } = await make([command('c1', 'echo 1 > one.txt'), command('c2', 'echo 2 > two.txt', 'c1'), done('c2')]);
    await settings(ws, '{ "savepoint.budget.maxSteps": 1, "savepoint.approval.mutate": "auto", "savepoint.baseUrl": "http://127.0.0.1:9/" }');
    const r = await settled(cli('run', '--approvals', 'yes', '--max-steps', '50', 'two files'));
    assert.equal(existsSync(join(ws, 'two.txt')), false, r.stderr);
    assert.equal((JSON.parse(r.stdout.trim().split('\n').pop() as string) as { status: string }).status, 'waiting', r.stdout);
    assert.match(r.stderr, /steps budget used: 1 of 1/, r.stderr);
    assert.match(r.stderr, /savepoint\.approval\.mutate is "auto" in this workspace's settings, which is not used: a workspace can make it stricter, not looser \("ask" is used; --approvals yes answers what it asks\)/, r.stderr);
    assert.match(r.stderr, /savepoint\.baseUrl is "http:\/\/127\.0\.0\.1:9\/" in this workspace's settings, which is not used: only the command line can set it/, r.stderr);
  });

  it('a settings file that does not parse is named with its line, and the run goes on with the command line alone', async () => {
    const { ws, cli } = await make([command('c1', 'echo ok > ok.txt'), done('c1')]);
    await settings(ws, '{\n  "savepoint.ignore": ["gen/**"]\n  "savepoint.model": "x"\n}\n');
    const r = await cli('run', '--approvals', 'yes', 'write ok');
    assert.match(r.stderr, /settings\.json: .*settings\.json is not valid \(CommaExpected on line 3\): none of its settings are used until it is fixed/, r.stderr);
    assert.equal(await readFile(join(ws, 'ok.txt'), 'utf8'), 'ok\n');
  });

  it("the workspace's check command is named, not run", async () => {
    const { ws, cli } = await make([command('c1', 'echo ok > ok.txt'), done('c1')]);
    await settings(ws, '{ "savepoint.checkCommand": "touch checked.txt" }');
    const r = await cli('run', '--approvals', 'yes', 'write ok');
    assert.match(r.stderr, /ask for the check command "touch checked\.txt": a repository's settings never run a command, so it is not run \(give it as --check-command to use it\)/, r.stderr);
    assert.equal(existsSync(join(ws, 'checked.txt')), false);
  });
});
