import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepCrashLeftovers } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { finalText, toolUse } from '../runner/runnerHarness';
import { type CrashDir, crashDir, runChild, tempsUnder, removeAfterEach } from './crashChild';

describe('an edit tool SIGKILLed mid-apply (real process, real LevelDB)', function () {
  this.timeout(60_000);
  let d: CrashDir | undefined;
  removeAfterEach(() => d, () => (d = undefined));

  it('the resumed session applies the edit once and leaves no .savepoint-*.tmp file in the user\'s folder', async () => {
    d = await crashDir([toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: "'v0'", new_text: "'v1'" }), finalText('done', { toolResultFor: 'e1' })], { 'src/a.ts': "export const v = 'v0';\n" });
    const first = await runChild(d, 'apply').exited;
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.equal((await tempsUnder(d.ws)).length, 1, 'the killed write left its staged file (the crash this test is about)');
    // What the CLI and the editor do at start-up, before the resume.
    const store = await openCheckpointStore({ dir: d.store, onLocked: 'fail' });
    await sweepCrashLeftovers(store, new NodeWorkspace(d.ws), (await store.listSessions()).sessions);
    await store.close();
    const second = await runChild(d, 'none').exited;
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await readFile(join(d.ws, 'src/a.ts'), 'utf8'), "export const v = 'v1';\n");
    assert.deepEqual(await tempsUnder(d.ws), [], 'a staged copy of the edit is left beside src/a.ts for good');
  });
});
