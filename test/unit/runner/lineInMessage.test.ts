import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { compareFindings } from '../../../src/core/runner/stepDiagnostics';
import type { Finding } from '../../../src/core/runner/runEvents';
import { scratch } from '../tools/toolHarness';

/** mypy names the line of the first definition in its message: `Name "f" already defined on line 3  [no-redef]`. */
const mypy = (first: number, again: number) => `app.py:${again}: error: Name "parse" already defined on line ${first}  [no-redef]\nFound 1 error in 1 file (checked 1 source file)\n`;

describe('step diagnostics: a message that names a line', () => {
  const tmp = scratch('line-in-message');
  afterEach(() => tmp.cleanup());

  async function findings(output: string): Promise<Finding[]> {
    const root = await tmp.make({ 'app.py': 'def parse(): pass\n', 'out.txt': output });
    const d = new CommandDiagnostics({ command: 'cat out.txt; exit 1', root, runner: new NodeProcessRunner() });
    return (await d.collect()).map((f) => ({ path: f.path, line: f.line, column: f.column, severity: f.severity, message: f.message, ...(f.code ? { code: f.code } : {}) }));
  }

  it('the same error moved down by an edit above it, with the line it names, is not new', async () => {
    const [before, after] = [await findings(mypy(3, 9)), await findings(mypy(6, 12))];
    assert.deepEqual(compareFindings(before, after, (p) => p === 'app.py'), { introduced: [], resolved: 0 });
  });

  it('in a file the step did not change, another line named is another error', async () => {
    const [before, after] = [await findings(mypy(3, 9)), await findings(mypy(5, 9))];
    const { introduced, resolved } = compareFindings(before, after, () => false);
    assert.deepEqual([introduced.length, resolved], [1, 1]);
  });
});
