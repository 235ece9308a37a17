import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { assertWorkloadSteps } from '../../fixtures/storeVerify';
import { tempDirs } from '../store/helpers/tmp';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');
const SID = 'editor-session' as SessionId;

describe('the savepoint CLI while another process (the editor) holds the store (real processes)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('cli-locked');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('list reads a copy while the editor holds the store; resume exits 5 saying another process uses the sessions; the holder loses nothing and keeps committing', async () => {
    const root = await tmp.make();
    const ws = join(root, 'ws');
    await mkdir(ws);
    const dir = join(root, 'store');
    const editor = new FixtureProcess('storeHolder', [dir, SID, '3']);
    await editor.waitFor(/^ready 3$/);
    const cli = (args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', dir, '--base-url', 'http://127.0.0.1:9'], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
    for (const args of [['list']]) {
      const r = await cli(args);
      assert.match(r.stdout, new RegExp(SID), `${args[0]} lists the editor's session: ${r.stdout}`);
      assert.match(r.stderr, /another process, such as the editor, is using this workspace's sessions: showing them as they are now, from a copy/);
    }
    const r = await cli(['resume', SID]).then(
      () => assert.fail('resume succeeded while the store was held'),
      (e: { code?: number; stderr?: string }) => e,
    );
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr ?? '', /another process .* is using this workspace's sessions; try again/);
    assert.doesNotMatch(r.stderr ?? '', /unexpected|at .*\.js:\d+/, 'no stack trace');
    editor.send('commit 2');
    await editor.waitFor(/^committed 5$/);
    editor.send('close');
    assert.equal((await editor.exited).code, 0);
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    await assertWorkloadSteps(store, SID, 5, 'after the CLI was refused');
    await store.close();
  });
});
