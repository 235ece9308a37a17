import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, config, events, useModel, waitFor, waitForSession, WindowStub } from '../helpers';
import { SECRET_MODEL, SECRET_TASK } from '../scenario';

const DEPLOY = 'deploy-credential-in-host-0123456789';
const GITHUB = 'ghp_inHostTokenValue0123456789abcdef';

/**
 * Secret variables of the editor's environment: a command the agent runs has them, its output
 * reaches the store (and the model) with markers instead, by the names of savepoint.secretEnvNames.
 */
describe('Secrets in the editor', () => {
  let ui: WindowStub;
  before(() => {
    process.env.SAVEPOINT_INTEG_DEPLOY_CRED = DEPLOY;
    process.env.SAVEPOINT_INTEG_GH_TOKEN = GITHUB;
  });
  after(async () => {
    delete process.env.SAVEPOINT_INTEG_DEPLOY_CRED;
    delete process.env.SAVEPOINT_INTEG_GH_TOKEN;
    await vscode.workspace.getConfiguration('savepoint').update('secretEnvNames', undefined, vscode.ConfigurationTarget.Global);
    await useModel(undefined);
  });
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it("a command's output keeps neither the default names' values nor those of a name the user added", async () => {
    await activateExtension();
    await useModel(SECRET_MODEL);
    await vscode.workspace.getConfiguration('savepoint').update('secretEnvNames', ['*TOKEN', '*_DEPLOY_CRED'], vscode.ConfigurationTarget.Global);
    ui.on('warning', /allow the agent to run `echo/, () => 'Approve');
    await vscode.commands.executeCommand('savepoint.newSession', SECRET_TASK);
    const { seeded } = config();
    const done = await waitForSession(seeded.storeDir, SECRET_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed');
    const all = JSON.stringify(await events(seeded.storeDir, done.id));
    assert.ok(all.includes('d=[secret SAVEPOINT_INTEG_DEPLOY_CRED hidden] g=[secret SAVEPOINT_INTEG_GH_TOKEN hidden]'), all.slice(-1500));
    await vscode.commands.executeCommand('savepoint.showSession', done.id);
    const doc = await waitFor('the session document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'savepoint-session' && d.uri.path.includes(done.id)));
    for (const secret of [DEPLOY, GITHUB]) {
      assert.ok(!all.includes(secret), 'not in the store');
      assert.ok(!doc.getText().includes(secret), 'not in the session document');
    }
  });
});
