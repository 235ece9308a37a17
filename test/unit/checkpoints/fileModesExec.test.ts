import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { openCheckpointStore, type DiskCheckpointStore } from '../../../src/core/store/openStore';
import type { NewEvent } from '../../../src/core/store/types';
import { sha } from '../checkpoints/checkpointHarness';

describe('a re-created file\'s recorded mode yields to the execute bit it had at the rewind\'s target (a chmod the history recorded)', function () {
  let root: string | undefined;
  let store: DiskCheckpointStore | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  afterEach(async () => {
    await store?.close();
    if (root) await rm(root, { recursive: true, force: true });
    root = store = undefined;
  });

  async function session(chmodTo: boolean, deletedMode: number) {
    root = await mkdtemp(join(tmpdir(), 'savepoint-modes-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    store = await openCheckpointStore({ dir: join(root, 'store'), onLocked: 'fail', syncWrites: false });
    const s = await store.createSession({ title: 'modes', status: 'completed' });
    const h = sha('echo run\n');
    const events: NewEvent[] = [
      { step: 0, type: 'session_started', data: { task: 't' } },
      // step 1: a command changes only the execute bit of run.sh (recorded, modes: true)
      { step: 1, type: 'tool_started', data: { callId: 'c1' } },
      { step: 1, type: 'tool_result', data: { callId: 'c1', name: 'run_command', key: 'k1', isError: false, content: '', sideEffects: [{ path: 'run.sh', kind: 'modified', beforeHash: h, afterHash: h, ...(chmodTo ? { afterExec: true } : { beforeExec: true }), modes: true }] } },
      // step 2: delete_file removes it, recording the bits it had then
      { step: 2, type: 'tool_started', data: { callId: 'd2', mutations: [{ path: 'run.sh', beforeHash: h, afterHash: null, beforeExec: chmodTo, beforeMode: deletedMode }] } },
      { step: 2, type: 'tool_result', data: { callId: 'd2', name: 'delete_file', key: 'k2', isError: false, content: 'deleted' } },
    ];
    await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events, blobs: [{ content: Buffer.from('echo run\n') }] });
    return { ws, workspace: new NodeWorkspace(ws), id: s.id };
  }

  it('a rewind to before a recorded `chmod -x` re-creates the file executable, as it was then', async () => {
    const { ws, workspace, id } = await session(false, 0o644);
    const plan = await planRewind(store as DiskCheckpointStore, workspace, id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.toExec]), [['run.sh', 'create', true]]);
    await applyRewind(store as DiskCheckpointStore, workspace, plan);
    assert.notEqual((await stat(join(ws, 'run.sh'))).mode & 0o100, 0, 'the execute bit the file had at step 0');
  });

  it('a rewind to before a recorded `chmod +x` re-creates the file without an execute bit', async () => {
    const { ws, workspace, id } = await session(true, 0o755);
    const plan = await planRewind(store as DiskCheckpointStore, workspace, id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.toExec]), [['run.sh', 'create', undefined]]);
    await applyRewind(store as DiskCheckpointStore, workspace, plan);
    assert.equal((await stat(join(ws, 'run.sh'))).mode & 0o111, 0, 'the chmod +x of step 1 is taken back');
  });
});
