import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { finalText } from '../runner/runnerHarness';
import { type CrashDir, SID, crashDir, runChild, removeAfterEach } from './crashChild';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

/**
 * A new session is made in two writes: its row, then its start record (task, models, prompt). A
 * SIGKILL between them leaves a row with nothing to run: it must not look like a session to resume.
 */
describe('a session SIGKILLed while it is started, between its row and its start record (real process, real LevelDB)', function () {
  this.timeout(60_000);
  let d: CrashDir | undefined;
  removeAfterEach(() => d, () => (d = undefined));

  it('is left finished (failed), not running; a resume of it says it never started, and `savepoint resume` passes over it', async () => {
    d = await crashDir([finalText('done')], {});
    const first = await runChild(d, 'start').exited;
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
    const row = await store.getSession(SID as SessionId);
    await store.close();
    assert.equal(row?.headSeq, 0, 'killed before the start record');
    assert.equal(row?.status, 'failed', 'a session with no task looks like one to resume (the editor marks it interrupted and offers it)');

    const second = await runChild(d, 'none').exited;
    assert.equal(second.code, 1);
    assert.match(second.stderr, /was never started: Savepoint stopped before its task was recorded, so there is nothing to resume; start the task again/);
    assert.equal(d.server.requestCount(), 0);

    const cli = await run(process.execPath, [CLI, 'resume', '--workspace', d.ws, '--store', d.store, '--base-url', 'http://127.0.0.1:9'], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(d.root, 'data') } }).then(
      () => assert.fail('resume ran something'),
      (e: { code?: number; stderr?: string }) => e,
    );
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr ?? '', /no unfinished session to resume/);
  });
});
