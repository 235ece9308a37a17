import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { forkSession } from '../../../src/core/checkpoints/fork';
import { type Killed, builtKilled, child, withStore } from './crashChild';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

const forksOf = (k: Killed) => withStore(k, async (s) => (await s.listSessions()).sessions.filter((x) => x.parent?.sessionId === k.id).map((x) => x.id));

describe('a conversation rewind retried with another --message after a crash (real processes)', function () {
  this.timeout(120_000);

  for (const kill of ['forked', 'reverted']) {
    it(`killed at ${kill} with one message, retried from the CLI with another: one fork is left, the retry's, and the user is told`, async () => {
      const k = await builtKilled();
      try {
        // A fork the user made by hand at the same step is theirs: never taken for a leftover.
        const own = await withStore(k, (s) => forkSession(s, k.id, 2, { message: 'my own fork' }));
        assert.equal((await child(k, 'rewind', kill, 2, 'both', 'first try: use tabs')).signal, 'SIGKILL');
        const left = (await forksOf(k)).filter((id) => id !== own.id);
        assert.equal(left.length, 1, 'the killed attempt left its fork');
        const cli = await run(process.execPath, [CLI, 'rewind', k.id, '2', '--mode', 'both', '--message', 'second try: use spaces', '--yes', '--workspace', k.ws, '--store', k.store], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(k.root, 'data') } });
        const made = /the conversation continues in session ([0-9A-Z]{26})/.exec(cli.stdout)?.[1];
        assert.ok(made, cli.stdout);
        const now = (await forksOf(k)).sort();
        assert.deepEqual(now, [own.id, made].sort(), `only the user's fork and the retry's are left: ${cli.stdout}`);
        assert.match(cli.stdout, new RegExp(`removed session ${left[0]}, the fork an earlier attempt of this rewind left`));
      } finally {
        await k.done();
      }
    });
  }
});
