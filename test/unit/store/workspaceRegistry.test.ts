import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { WorkspaceRegistry } from '../../../src/core/store/workspaceRegistry';

describe('WorkspaceRegistry: sessions survive a change of the editor storage folder', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-registry-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the old store by folder when the storage folder is new, with the same workspace id and sessions', async () => {
    const registry = new WorkspaceRegistry(join(root, 'global'));
    const folder = join(root, 'project');
    const first = await registry.locate(join(root, 'storageA'), [folder]);
    assert.equal(first.adoptedFrom, undefined);
    const store = await openCheckpointStore({ dir: first.dir, syncWrites: false });
    const s = await store.createSession({ title: 'migration' });
    await registry.record(store.workspaceId, first.dir, [folder]);
    const wsId = store.workspaceId;
    await store.close();

    const second = await registry.locate(join(root, 'storageB'), [folder]);
    assert.equal(second.dir, first.dir);
    assert.equal(second.adoptedFrom?.workspaceId, wsId);
    const again = await openCheckpointStore({ dir: second.dir, syncWrites: false });
    assert.equal(again.workspaceId, wsId);
    assert.equal((await again.getSession(s.id))?.title, 'migration');
    await again.close();

    const other = await registry.locate(join(root, 'storageC'), [join(root, 'elsewhere')]);
    assert.equal(other.dir, join(root, 'storageC', 'store'));
  });

  it('prefers the store in the current storage folder, and survives a damaged registry file', async () => {
    const registry = new WorkspaceRegistry(join(root, 'global'));
    const folder = join(root, 'project');
    const own = await openCheckpointStore({ dir: join(root, 'storageA', 'store'), syncWrites: false });
    await own.close();
    await registry.record(own.workspaceId, join(root, 'storageZ', 'store'), [folder]);
    assert.equal((await registry.locate(join(root, 'storageA'), [folder])).dir, join(root, 'storageA', 'store'));
    await writeFile(join(root, 'global', 'workspaces.json'), '{ not json');
    assert.deepEqual(await registry.entries(), []);
    await registry.record(own.workspaceId, join(root, 'storageA', 'store'), [folder]);
    assert.equal((await registry.entries()).length, 1);
  });
});
