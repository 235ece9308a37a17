import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { scratch, writeTree } from '../tools/toolHarness';

/** A check command that prints `lines` as the checker would and exits as it does. */
async function checker(root: string, lines: string[], exitCode: number): Promise<CommandDiagnostics> {
  await writeTree(root, { 'check-output.txt': `${lines.join('\n')}\n` });
  return new CommandDiagnostics({ command: `cat check-output.txt; exit ${exitCode}`, root, runner: new NodeProcessRunner() });
}

describe('CommandDiagnostics: a checker whose findings are all outside the workspace', function () {
  if (process.platform === 'win32') return;
  const tmp = scratch('diag-outside');
  afterEach(() => tmp.cleanup());

  it('(a package of a monorepo whose project takes in a sibling) checked the workspace: none in it, not "unavailable"', async () => {
    const root = await tmp.make({ 'src/app.ts': '' });
    const out = ["../shared/src/util.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.", '/elsewhere/types.d.ts(1,1): error TS1005: ";" expected.', 'Found 2 errors in 2 files.'];
    assert.deepEqual(await (await checker(root, out, 2)).collect(), []);
  });

  it('a failure that names no place is still an error, whatever else it printed', async () => {
    const root = await tmp.make();
    await assert.rejects((await checker(root, ['error TS5058: The specified path does not exist: "tsconfig.json".'], 1)).collect(), /failed \(exit 1\) without reporting any finding/);
  });
});
