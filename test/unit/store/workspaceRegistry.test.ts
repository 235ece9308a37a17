import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../../../src/core/store/errors';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { WorkspaceRegistry } from '../../../src/core/store/workspaceRegistry';
import { FixtureProcess } from '../../fixtures/storeChild';

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
    // Every registry file damaged: the single file of earlier versions and the per-workspace ones.
    await writeFile(join(root, 'global', 'workspaces.json'), '{ not json');
    for (const f of await readdir(join(root, 'global', 'workspaces'))) await writeFile(join(root, 'global', 'workspaces', f), '{ not json');
    assert.deepEqual(await registry.entries(), []);
    await registry.record(own.workspaceId, join(root, 'storageA', 'store'), [folder]);
    assert.equal((await registry.entries()).length, 1);
  });

  it("a store in the current storage folder that lost its CURRENT file is still this workspace's: the open reports the damage (and offers the repair) instead of quietly using an older store", async () => {
    const registry = new WorkspaceRegistry(join(root, 'global'));
    const folder = join(root, 'project');
    const older = await openCheckpointStore({ dir: join(root, 'storageA', 'store'), syncWrites: false });
    await registry.record(older.workspaceId, join(root, 'storageA', 'store'), [folder], 1000);
    await older.close();
    const ownDir = join(root, 'storageB', 'store');
    const own = await openCheckpointStore({ dir: ownDir, onLocked: 'fail' });
    await own.createSession({ title: 'months of work' });
    await registry.record(own.workspaceId, ownDir, [folder], 2000);
    await own.close();
    await rm(join(ownDir, 'CURRENT'));

    const found = await registry.locate(join(root, 'storageB'), [folder]);
    assert.equal(found.dir, ownDir);
    assert.equal(found.adoptedFrom, undefined);
    await assert.rejects(openCheckpointStore({ dir: found.dir, onLocked: 'fail' }), (e: unknown) => StoreError.is(e, 'CORRUPT'));
  });

  it('editor windows starting at the same moment (real processes) each keep their entry: none is overwritten by another window\'s', async () => {
    const globalDir = join(root, 'global');
    const windows = Array.from({ length: 8 }, (_, i) => new FixtureProcess('registryRecorder', [globalDir, `ws-${i}`, join(root, `storage${i}`, 'store'), join(root, `project${i}`)]));
    try {
      await Promise.all(windows.map((w) => w.waitFor(/^ready$/)));
      for (const w of windows) w.send('go');
      await Promise.all(windows.map((w) => w.waitFor(/^recorded$/)));
      const ids = (await new WorkspaceRegistry(globalDir).entries()).map((e) => e.workspaceId).sort();
      assert.deepEqual(ids, windows.map((_, i) => `ws-${i}`).sort(), 'every window that recorded its store is in the registry');
    } finally {
      await Promise.all(windows.map((w) => w.kill()));
    }
  });

  it('still finds a store through the single registry file earlier versions wrote', async () => {
    const folder = join(root, 'project');
    const old = await openCheckpointStore({ dir: join(root, 'storageOld', 'store'), syncWrites: false });
    await old.close();
    const entry = { workspaceId: old.workspaceId, storeDir: join(root, 'storageOld', 'store'), folders: [folder], lastOpenedAt: 1 };
    await mkdir(join(root, 'global'), { recursive: true });
    await writeFile(join(root, 'global', 'workspaces.json'), JSON.stringify({ version: 1, entries: [entry] }));
    const found = await new WorkspaceRegistry(join(root, 'global')).locate(join(root, 'storageNew'), [folder]);
    assert.equal(found.dir, entry.storeDir);
    assert.equal(found.adoptedFrom?.workspaceId, old.workspaceId);
  });
});
