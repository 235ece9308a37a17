import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { WorkspaceRegistry } from '../../../src/core/store/workspaceRegistry';

describe("WorkspaceRegistry: which earlier store a workspace of several folders takes up", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-registry-folders-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A store recorded for `folders` in the storage folder `storage` (as a window of that workspace leaves it). */
  async function recorded(registry: WorkspaceRegistry, storage: string, folders: string[]): Promise<string> {
    const dir = join(root, storage, 'store');
    const store = await openCheckpointStore({ dir, syncWrites: false });
    await registry.record(store.workspaceId, dir, folders);
    await store.close();
    return dir;
  }

  it("another workspace that only shares a folder with it gets its own store (not the other's sessions, nor read-only while the other is open)", async () => {
    const registry = new WorkspaceRegistry(join(root, 'global'));
    const [app, site, shared] = ['app', 'site', 'shared-lib'].map((n) => join(root, n)) as [string, string, string];
    await recorded(registry, 'storageAppWs', [app, shared]);
    const other = await registry.locate(join(root, 'storageSiteWs'), [site, shared]);
    assert.equal(other.adoptedFrom, undefined);
    assert.equal(other.dir, join(root, 'storageSiteWs', 'store'));
  });

  it('the same workspace under a new identity still finds its sessions: a folder added (an untitled workspace), or one of its folders opened alone', async () => {
    const registry = new WorkspaceRegistry(join(root, 'global'));
    const [app, docs] = ['app', 'docs'].map((n) => join(root, n)) as [string, string];
    const alone = await recorded(registry, 'storageApp', [app]);
    // A folder added to the window: VS Code makes it an untitled workspace, with a new storage folder.
    assert.equal((await registry.locate(join(root, 'storageUntitled'), [app, docs])).dir, alone);
    const registry2 = new WorkspaceRegistry(join(root, 'global2'));
    const both = join(root, 'storageBoth', 'store');
    const s = await openCheckpointStore({ dir: both, syncWrites: false });
    await registry2.record(s.workspaceId, both, [app, docs]);
    await s.close();
    assert.equal((await registry2.locate(join(root, 'storageDocs'), [docs])).dir, both);
  });
});
