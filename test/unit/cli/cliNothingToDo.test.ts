import assert from 'node:assert/strict';
import { textStep } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

/** The exit code of a CLI run that rejects, with what it wrote to stderr. */
async function failure(p: Promise<unknown>): Promise<{ code: number; stderr: string }> {
  const e = (await p.then(() => assert.fail('the command succeeded'), (x: unknown) => x)) as { code: number; stderr: string };
  return { code: e.code, stderr: e.stderr };
}

/**
 * A command with nothing to act on exits 2, as `--help` says (no rewind left to undo, no approval
 * waiting, no compaction to undo, a fact not pinned), and a command line missing its fact is a
 * command line error (2): a script tells both from a failure (1: no such session, the store).
 */
describe('CLI: nothing to act on', () => {
  const scratch = cliScratch('sp-cli-nothing-');

  it('exits 2 for uncompact with no compaction, unpin of a fact not pinned, and pin or unpin with no fact', async () => {
    const { cli } = await scratch([textStep('Done.')]);
    const run = await cli('run', '--approvals', 'yes', 'say done');
    const id = /session (\S+)/.exec(run.stderr)?.[1];
    assert.ok(id, run.stderr);
    const cases: Array<[string[], RegExp]> = [
      [['uncompact', id], /has no compaction to undo/],
      [['uncompact', id, 'c-none'], /no compaction c-none/],
      [['unpin', id, 'never pinned'], /"never pinned" is not pinned/],
      [['pin', id], /pin needs the fact/],
      [['unpin', id, '  '], /unpin needs the fact/],
      [['compacted', id], /was never compacted/],
      [['approve', id], /is not waiting for an approval/],
      [['undo-rewind', id], /has no rewind left to undo/],
    ];
    for (const [args, said] of cases) {
      const f = await failure(cli(...args));
      assert.equal(f.code, 2, `${args.join(' ')}: ${f.stderr}`);
      assert.match(f.stderr, said);
    }
    // A failure stays 1: the session does not exist.
    assert.equal((await failure(cli('uncompact', '01ZZZZZZZZZZZZZZZZZZZZZZZZ'))).code, 1);
    await cli('pin', id, 'the API is v2');
    await cli('unpin', id, 'the API is v2');
  });
});
