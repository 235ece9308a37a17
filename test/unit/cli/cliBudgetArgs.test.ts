import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cliScratch } from './cliChild';

describe('savepoint run with a budget it cannot read (child process)', function () {
  this.timeout(60_000);
  const scratch = cliScratch('savepoint-cli-budget-');

  it('refuses an empty, hex, exponent or fractional count before anything is made: `--max-steps=$N` with N unset ran with no step limit', async () => {
    const { store, server, cli } = await scratch([{ type: 'message', content: [{ type: 'text', text: 'done' }], times: 'always' }]);
    const cases: [string, RegExp][] = [
      ['--max-steps=', /^savepoint: --max-steps needs a whole number \(0 or more\), got "" \(nothing was done\)\n$/],
      ['--max-steps=0x10', /--max-steps needs a whole number \(0 or more\), got "0x10"/],
      ['--max-tokens=1e6', /--max-tokens needs a whole number \(0 or more\), got "1e6"/],
      ['--max-tool-failures=2.5', /--max-tool-failures needs a whole number/],
      ['--max-cost=', /^savepoint: --max-cost needs a number \(0 or more, such as 2.50\), got "" \(nothing was done\)\n$/],
      ['--max-minutes= 5', /--max-minutes needs a number/],
    ];
    for (const [option, message] of cases) {
      await assert.rejects(cli('run', option, 'say done'), (e: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(e.code, 2, `${option}: ${e.stderr}`);
        assert.match(e.stderr ?? '', message, option);
        assert.equal(e.stdout, '', option);
        return true;
      });
    }
    assert.equal(existsSync(store), false, 'no store, no session was made');
    assert.equal(server.requests().length, 0, 'no model call was made');
    const ok = await cli('run', '--max-steps', '5', '--max-cost', '0.50', '--max-minutes', '1.5', 'say done');
    assert.match(ok.stdout, /"status":"completed"/, 'plain numbers are taken');
  });
});
