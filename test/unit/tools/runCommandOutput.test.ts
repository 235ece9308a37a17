import assert from 'node:assert/strict';
import { realpath } from 'node:fs/promises';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { asTerminalShows, keptOutput } from '../../../src/core/tools/commandOutput';
import { runCommandTool } from '../../../src/core/tools/runCommand';
import { call, FakeDiagnostics, scratch, text, toolContext } from './toolHarness';

describe('run_command: what the model reads of an output', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('cmdout');
  afterEach(() => tmp.cleanup());

  async function setup() {
    const root = await realpath(await tmp.make({ 'a.txt': 'a\n' }));
    return toolContext(new NodeWorkspace(root), new FakeDiagnostics());
  }

  it('an output of many megabytes still shows its last lines (the summary), and keeps its first and last bytes', async () => {
    const ctx = await setup();
    const r = await call(runCommandTool, { command: 'head -c 20000000 /dev/zero | tr "\\0" y; echo; echo "Tests: 3 failed"; exit 1' }, ctx);
    const content = r.output!.content;
    assert.match(content, /Tests: 3 failed\n\[Output was 20000017 bytes; the \d+ between its first \d+ and its last \d+ were not kept\.\]\n\[Exit code 1\.\]$/);
    const full = text(r.output?.full)!;
    assert.ok(full.startsWith('yyy'));
    assert.ok(full.endsWith('Tests: 3 failed\n'));
    assert.match(full, /\n\[\.\.\. \d+ bytes not kept \.\.\.\]\n/);
  });

  it('shows stdout and stderr lines in the order the command wrote them (an error next to what it is about)', async () => {
    const ctx = await setup();
    const command = 'for i in 1 2 3 4 5; do echo "compiling $i"; echo "error in $i" >&2; done; echo done; ls missing-file 2>/dev/null; true';
    const r = await call(runCommandTool, { command }, ctx);
    const lines = [1, 2, 3, 4, 5].flatMap((i) => [`compiling ${i}`, `error in ${i}`]);
    assert.equal(r.output?.content, [...lines, 'done', '[Exit code 0.]'].join('\n'));
  });

  it('puts the kept first and last bytes together, with a marker only where bytes are missing', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const base = { exitCode: 0, signal: null, timedOut: false, aborted: false, durationMs: 1 };
    assert.equal(text(keptOutput({ ...base, output: enc('abc'), outputBytes: 3 })), 'abc');
    assert.equal(text(keptOutput({ ...base, output: enc('abc'), outputTail: enc('de'), outputBytes: 5 })), 'abcde');
    assert.equal(text(keptOutput({ ...base, output: enc('abc'), outputTail: enc('yz'), outputBytes: 10 })), 'abc\n[... 5 bytes not kept ...]\nyz');
  });

  it('leaves out colour codes and progress redraws, and keeps CRLF lines whole', () => {
    assert.equal(asTerminalShows('\x1b[32m✓ passes\x1b[39m\n\x1b]0;title\x07done'), '✓ passes\ndone');
    assert.equal(asTerminalShows('Downloading 10%\rDownloading 60%\rDownloading 100%\nok\r\nnext\r\n'), 'Downloading 100%\nok\nnext\n');
    assert.equal(asTerminalShows('plain\ttext\n'), 'plain\ttext\n');
  });

  it('git opens no editor and asks for no password: a commit without -m fails at once', async function () {
    const ctx = await setup();
    const started = Date.now();
    const r = await call(runCommandTool, { command: 'git init -q . && git add a.txt && git -c user.name=t -c user.email=t@t commit; echo "editor=$GIT_EDITOR prompt=$GIT_TERMINAL_PROMPT"', timeout_ms: 60_000 }, ctx);
    assert.match(r.output!.content, /editor=true prompt=0/);
    assert.ok(Date.now() - started < 30_000);
  });
});
