import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readSettings } from '../../../src/extension/settings';
import { activateExtension, WindowStub } from '../helpers';

/**
 * A workspace of two folders (run.mjs --multi-root): a folder's own `.vscode/settings.json` counts
 * as a workspace's settings do. Safeguards: every folder's stricter value wins, a looser one is not
 * used and is named with its folder; the rest: the folder the session works in chooses.
 */
describe('multi-root workspace: folder settings', () => {
  let ui: WindowStub;
  before(function () {
    if ((vscode.workspace.workspaceFolders?.length ?? 0) < 2) this.skip();
  });
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(async () => {
    ui.restore();
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const c = vscode.workspace.getConfiguration('savepoint', f.uri);
      for (const key of ['budget.maxSteps', 'approval.read', 'approval.mutate', 'checkpoints.maxFileSizeMB']) await c.update(key, undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it("a folder's stricter safeguards apply, its looser ones do not", async () => {
    await activateExtension();
    const [, second] = vscode.workspace.workspaceFolders ?? [];
    const c = vscode.workspace.getConfiguration('savepoint', second!.uri);
    await c.update('budget.maxSteps', 3, vscode.ConfigurationTarget.WorkspaceFolder);
    await c.update('approval.read', 'ask', vscode.ConfigurationTarget.WorkspaceFolder);
    await c.update('approval.mutate', 'auto', vscode.ConfigurationTarget.WorkspaceFolder);
    const s = readSettings();
    assert.equal(s.budgets.maxSteps, 3, "the second folder's step limit");
    assert.equal(s.policy.categories.read, 'ask', "the second folder's ask");
    assert.equal(s.policy.categories.mutate, 'ask', 'a folder cannot loosen an approval');
    const warned = ui.calls.filter((x) => x.kind === 'warning').map((x) => x.message);
    assert.ok(warned.some((m) => m.includes(`savepoint.approval.mutate is "auto" in the settings of the folder "${second!.name}", which is not used`)), warned.join('\n'));
  });

  it("the session's own folder chooses for it (its size limit), not for a session in another folder", async () => {
    await activateExtension();
    const [first, second] = vscode.workspace.workspaceFolders ?? [];
    await vscode.workspace.getConfiguration('savepoint', second!.uri).update('checkpoints.maxFileSizeMB', 2, vscode.ConfigurationTarget.WorkspaceFolder);
    assert.equal(readSettings(second).maxFileBytes, 2 * 1024 * 1024);
    assert.equal(readSettings(first).maxFileBytes, 5 * 1024 * 1024);
    // Also the safeguards of the second folder apply to a session in the first one.
    await vscode.workspace.getConfiguration('savepoint', second!.uri).update('budget.maxSteps', 4, vscode.ConfigurationTarget.WorkspaceFolder);
    assert.equal(readSettings(first).budgets.maxSteps, 4);
  });
});
