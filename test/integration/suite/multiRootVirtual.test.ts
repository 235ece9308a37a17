import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, sleep, waitFor, WindowStub } from '../helpers';

/** An empty folder of a scheme that is not `file:`, as a vscode-vfs or memfs folder is. */
class EmptyFolder implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  watch = () => new vscode.Disposable(() => undefined);
  stat = (uri: vscode.Uri): vscode.FileStat => {
    if (uri.path !== '/virtual') throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
  };
  readDirectory = (): Array<[string, vscode.FileType]> => [];
  createDirectory = (): void => undefined;
  readFile = (uri: vscode.Uri): Uint8Array => {
    throw vscode.FileSystemError.FileNotFound(uri);
  };
  writeFile = (uri: vscode.Uri): void => {
    throw vscode.FileSystemError.NoPermissions(uri);
  };
  delete = (uri: vscode.Uri): void => {
    throw vscode.FileSystemError.NoPermissions(uri);
  };
  rename = (uri: vscode.Uri): void => {
    throw vscode.FileSystemError.NoPermissions(uri);
  };
}

const SCHEME = 'savepoint-test-vfs';
const isVirtual = (f: vscode.WorkspaceFolder) => f.uri.scheme === SCHEME;

/** Runs one change of the workspace's folders and waits for it to be done (the editor refuses a change while another is under way: tried again). */
async function changeFolders(change: () => boolean): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      sub.dispose();
      resolve();
    });
  });
  await waitFor('the editor to take the change of folders', () => (change() ? true : undefined), 10000);
  await Promise.race([done, sleep(10000)]);
}

/**
 * A workspace of two folders on disk (run.mjs --multi-root) and a third added that is not on disk:
 * New Session does not offer the virtual folder as a place to work, and says why.
 */
describe('multi-root workspace: a folder not on disk', () => {
  let ui: WindowStub;
  let provider: vscode.Disposable | undefined;
  before(function () {
    if ((vscode.workspace.workspaceFolders?.length ?? 0) < 2) this.skip();
  });
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(async () => {
    ui.restore();
    const at = (vscode.workspace.workspaceFolders ?? []).findIndex(isVirtual);
    if (at >= 0) await changeFolders(() => vscode.workspace.updateWorkspaceFolders(at, 1));
    provider?.dispose();
  });

  it('New Session offers only the folders on disk, and names the one it leaves out', async () => {
    await activateExtension();
    provider = vscode.workspace.registerFileSystemProvider(SCHEME, new EmptyFolder(), { isReadonly: true });
    const count = vscode.workspace.workspaceFolders?.length ?? 0;
    await changeFolders(() => vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.parse(`${SCHEME}:/virtual`), name: 'virtual' }));
    assert.ok((vscode.workspace.workspaceFolders ?? []).some(isVirtual), 'the virtual folder is open');
    let offered: string[] = [];
    let asked = '';
    ui.on('quickPick', /Which folder should the agent work in\?/, (c) => {
      asked = c.message;
      const items = c.args[0] as Array<{ label: string; detail?: string }>;
      offered = items.map((i) => i.label);
      return items.find((i) => i.label === 'virtual');
    });
    await vscode.commands.executeCommand('savepoint.newSession', 'a task for a folder that is not on disk');
    assert.deepEqual(offered, (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.name), 'the folders on disk only');
    assert.match(asked, /"virtual".*not on disk/);
    const said = ui.calls.map((c) => c.message);
    assert.ok(!said.some((m) => /Open a folder first/.test(m)), said.join('\n'));
  });
});
