import assert from 'node:assert/strict';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

/**
 * The permission bits of a file the session deleted come back with it: a private file (0600) that
 * delete_file removed is not re-created readable by everyone, and a rewind that deletes one keeps
 * its bits for its undo.
 */
describe('rewind and undo keep a re-created file\'s permission bits (real runner session, real files; POSIX)', function () {
  let h: Harness | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  let capture: NodeChangeCapture | undefined;
  afterEach(async () => {
    await capture?.dispose();
    capture = undefined;
    await h?.close();
    h = undefined;
  });
  const mode = async (p: string) => (await stat(join(h?.workspace as string, p))).mode & 0o7777;

  it('a 0600 file delete_file removed comes back 0600 from a rewind; one a rewind deletes comes back 0640 from the undo', async () => {
    h = await harness(
      [
        toolUse('t1', 'delete_file', { path: 'secret.env' }),
        toolUse('t2', 'write_file', { path: 'key.pem', content: 'KEY\n' }, { toolResultFor: 't1', toolResultIsError: false }),
        finalText('done', { toolResultFor: 't2', toolResultIsError: false }),
      ],
      { 'secret.env': 'TOKEN=1\n', 'a.txt': 'a\n' },
    );
    await chmod(join(h.workspace, 'secret.env'), 0o600);
    const runner = h.runner();
    const id = await h.start(runner, 'tidy');
    assert.equal((await runner.run(id)).status, 'completed');
    await chmod(join(h.workspace, 'key.pem'), 0o640);
    const ws = new NodeWorkspace(h.workspace);

    const plan = await planRewind(h.store, ws, id, 0);
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.action, f.toMode, f.fromMode]),
      [
        ['secret.env', 'create', 0o600, undefined],
        ['key.pem', 'delete', undefined, 0o640],
      ],
    );
    const r = await applyRewind(h.store, ws, plan);
    assert.deepEqual(r.written.sort(), ['key.pem', 'secret.env']);
    assert.equal(await readFile(join(h.workspace, 'secret.env'), 'utf8'), 'TOKEN=1\n');
    assert.equal(await mode('secret.env'), 0o600, 'not the default mode of a new file');

    const undo = await planUndo(h.store, ws, id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action, f.toMode]), [['secret.env', 'delete', undefined], ['key.pem', 'create', 0o640]]);
    await undoRewind(h.store, ws, undo);
    assert.equal(await readFile(join(h.workspace, 'key.pem'), 'utf8'), 'KEY\n');
    assert.equal(await mode('key.pem'), 0o640);
    assert.equal(await ws.readFile('secret.env'), undefined);
  });

  it('files a command deleted or moved come back from a rewind with their permission bits (the capture records them)', async () => {
    h = await harness(
      [
        toolUse('c1', 'run_command', { command: 'rm secret.env && mv id.key moved.key && rm run.sh' }),
        finalText('done', { toolResultFor: 'c1' }),
      ],
      { 'secret.env': 'TOKEN=1\n', 'id.key': 'KEY\n', 'run.sh': 'echo run\n' },
    );
    await chmod(join(h.workspace, 'secret.env'), 0o600);
    await chmod(join(h.workspace, 'id.key'), 0o640);
    await chmod(join(h.workspace, 'run.sh'), 0o750);
    capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    const runner = h.runner(new ScriptedGate(), { capture });
    const id = await h.start(runner, 'tidy');
    assert.equal((await runner.run(id)).status, 'completed');
    const ws = new NodeWorkspace(h.workspace);

    const plan = await planRewind(h.store, ws, id, 0);
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.action, f.toMode]).sort(),
      [
        ['id.key', 'create', 0o640],
        ['moved.key', 'delete', undefined],
        ['run.sh', 'create', 0o750],
        ['secret.env', 'create', 0o600],
      ],
    );
    const r = await applyRewind(h.store, ws, plan);
    assert.deepEqual(r.written.sort(), ['id.key', 'moved.key', 'run.sh', 'secret.env']);
    assert.deepEqual(
      await Promise.all(['secret.env', 'id.key', 'run.sh'].map(async (p) => [await readFile(join(h?.workspace as string, p), 'utf8'), await mode(p)])),
      [
        ['TOKEN=1\n', 0o600],
        ['KEY\n', 0o640],
        ['echo run\n', 0o750],
      ],
      'not the default mode of a new file',
    );
  });
});
