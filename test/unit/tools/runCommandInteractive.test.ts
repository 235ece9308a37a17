import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { runCommandTool } from '../../../src/core/tools/runCommand';
import { call, FakeDiagnostics, scratch } from './toolHarness';


function installed(program: string): boolean {
  try {
    execFileSync('/bin/sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('run_command with interactive programs', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('interactive');
  afterEach(() => tmp.cleanup());

  async function setup() {
    const root = await realpath(await tmp.make({ 'notes.txt': 'hello\n' }));
    // The editor or pager the user has set waits, as `code --wait` does: it stands in for any interactive one.
    const waiting = path.join(await tmp.make(), 'wait-for-user');
    await writeFile(waiting, '#!/bin/sh\nsleep 30\n');
    await chmod(waiting, 0o755);
    const userEnv = { ...process.env, EDITOR: waiting, VISUAL: waiting, PAGER: waiting, GIT_PAGER: waiting, MANPAGER: waiting };
    const ctx = { workspace: new NodeWorkspace(root), processes: new NodeProcessRunner(userEnv), diagnostics: new FakeDiagnostics(), signal: new AbortController().signal };
    return { root, ctx };
  }

  async function runQuickly(ctx: Awaited<ReturnType<typeof setup>>['ctx'], command: string) {
    const started = Date.now();
    const r = await call(runCommandTool, { command, timeout_ms: 8_000 }, ctx);
    const content = r.output!.content;
    assert.doesNotMatch(content, /Timed out/, `${command} waited until the timeout`);
    assert.ok(Date.now() - started < 6_000, `${command} took ${Date.now() - started} ms`);
    return r.output!;
  }

  it("does not open the user's editor: $EDITOR and $VISUAL fail at once and leave the file unchanged", async () => {
    const { ctx } = await setup();
    const out = await runQuickly(ctx, '$EDITOR notes.txt; echo "editor: $?"; $VISUAL notes.txt; echo "visual: $?"; cat notes.txt');
    assert.equal(out.content, 'editor: 1\nvisual: 1\nhello\n[Exit code 0.]');
  });

  it('pages nothing: $PAGER, $GIT_PAGER and $MANPAGER print their input', async () => {
    const { ctx } = await setup();
    const out = await runQuickly(ctx, 'echo paged | $PAGER; echo git | $GIT_PAGER; echo man | $MANPAGER');
    assert.equal(out.content, 'paged\ngit\nman\n[Exit code 0.]');
  });

  it('gives end of input to a program that reads stdin, stdout or stderr for an answer', async () => {
    const { ctx } = await setup();
    const out = await runQuickly(ctx, 'read a; echo "stdin: $?"; read b <&1; echo "stdout: $?"; read c <&2; echo "stderr: $?"');
    assert.equal(out.content, 'stdin: 1\nstdout: 1\nstderr: 1\n[Exit code 0.]');
    const node = await runQuickly(ctx, `node -e "process.stdin.on('data', () => {}).on('end', () => console.log('no input'))"`);
    assert.equal(node.content, 'no input\n[Exit code 0.]');
  });

  it('ends vi run directly, which reads its keys from stderr when stdin is not a terminal', async function () {
    if (!installed('vi')) this.skip();
    const { root, ctx } = await setup();
    const out = await runQuickly(ctx, 'vi notes.txt');
    assert.equal(out.isError, true);
    assert.equal(await readFile(`${root}/notes.txt`, 'utf8'), 'hello\n');
  });

  it('says a command that timed out after an unanswered prompt may have been waiting for input', async () => {
    const { ctx } = await setup();
    const r = await call(runCommandTool, { command: "printf 'Overwrite notes.txt? [y/N] '; sleep 30", timeout_ms: 500 }, ctx);
    assert.equal(r.output?.isError, true);
    assert.match(r.output!.content, /Timed out after 500 ms/);
    assert.match(r.output!.content, /ends with "Overwrite notes\.txt\? \[y\/N\] ".*waiting for input/s);
  });
});
