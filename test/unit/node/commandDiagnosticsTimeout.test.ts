import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { scratch } from '../tools/toolHarness';

describe('CommandDiagnostics: a check command that does not finish', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag-timeout');
  afterEach(() => tmp.cleanup());

  it('is stopped at its time limit, and the error says what the limit was and that its output was kept', async () => {
    const root = await tmp.make();
    const hung = new CommandDiagnostics({ command: "echo 'Starting compilation in watch mode...'; sleep 30", root, runner: new NodeProcessRunner(), timeoutMs: 1500 });
    await assert.rejects(hung.collect(), (e: Error) => {
      assert.match(e.message, /^The check command `echo .*sleep 30` did not finish within 1\.5 s and was stopped with the processes it started:\nStarting compilation in watch mode\.\.\.$/);
      return true;
    });
  });
});
