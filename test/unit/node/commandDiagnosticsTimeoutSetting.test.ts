import assert from 'node:assert/strict';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { checkCommandTimeoutMs } from '../../../src/core/node/commandDiagnostics';

describe('the check command time limit is a setting', () => {
  it('a time limit that is not a positive number of seconds is refused with a clear error', () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new CommandDiagnostics({ command: 'true', root: '/', runner: new NodeProcessRunner(), timeoutMs: bad }), /check command time limit must be a positive number/);
    }
  });

  it('seconds from the setting or the command line become the limit; absent: 5 minutes', () => {
    assert.equal(checkCommandTimeoutMs(undefined), 300_000);
    assert.equal(checkCommandTimeoutMs(90), 90_000);
    assert.throws(() => checkCommandTimeoutMs(0), /positive number/);
  });
});
