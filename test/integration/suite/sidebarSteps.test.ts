import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, config, sessions, useModel, waitFor, waitForSession, WindowStub, workbenchUi } from '../helpers';
import { READ_MODEL, READ_TASK } from '../scenario';

/**
 * Rewind and Fork on every settled step, in the real sidebar: a session whose first step only read a
 * file (no diff, no file row) offers both on that step's turn; the Fork button goes through the
 * same host command as the palette's, and the fork starts from that step. It runs after the restart
 * recovery suite, which checks that the model was never called before it.
 */
describe('Sidebar step actions', () => {
  let ui: WindowStub;
  before(() => useModel(READ_MODEL));
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it("forks from a step that changed no file, from the Fork button of that step's turn", async () => {
    await activateExtension();
    const { seeded } = config();
    await vscode.commands.executeCommand('savepoint.newSession', READ_TASK);
    const s = await waitForSession(seeded.storeDir, READ_TASK, (x) => x.status === 'completed' || x.status === 'failed', 'to finish');
    assert.equal(s.status, 'completed');
    ui.on('inputBox', /Savepoint: Fork/, () => 'Summarize it in one line');
    await vscode.commands.executeCommand('workbench.view.extension.savepoint');
    const fork = 'li.entry-model vscode-icon[title="Fork a new session from step 1"]';
    // In the browser: open the session in the sidebar, look at the step's actions, click Fork.
    const inBrowser = !!(await workbenchUi({ click: `li.session[title="${READ_TASK}"]` }));
    if (inBrowser) {
      await workbenchUi({ wait: 'li.entry-model vscode-icon[title="Rewind the workspace to before step 1 (undo this step and everything after it)"]' });
      await workbenchUi({ wait: 'li.entry-model vscode-icon[title="Fork a new session from step 2"]', shot: 'sidebar-fork-every-step', of: '.part.sidebar' });
      await workbenchUi({ click: fork });
    } else {
      // Without a browser (the Electron runner): the command the button runs, with its arguments.
      await vscode.commands.executeCommand('savepoint.forkSession', s.id, 1);
    }
    const done = await waitFor('the fork notification', () => ui.calls.find((c) => c.kind === 'info' && /forked from step/.test(c.message)));
    assert.match(done.message, /forked from step 1; the original is unchanged/);
    const child = await waitFor('the fork in the store', async () => (await sessions(seeded.storeDir)).find((x) => x.parent?.sessionId === s.id));
    assert.equal(child.parent?.step, 1);
    if (inBrowser) {
      // The parent's timeline names its fork (the tree was walked up only, from the fork's row), and the link opens it, whose header names its parent.
      const down = `.detail-tree .fork a[title="Open ${child.title}"]`;
      await workbenchUi({ wait: down, shot: 'sidebar-fork-in-parent', of: '.part.sidebar' });
      assert.equal((await workbenchUi({ count: `.detail-tree .fork:has(a[title="Open ${child.title}"])` }))?.count, 1);
      await workbenchUi({ click: down });
      await workbenchUi({ wait: `.detail-title[title="${child.title}"]` });
      await workbenchUi({ wait: `.detail-tree .fork a[title="Open ${READ_TASK}"]`, shot: 'sidebar-fork-parent-link', of: '.part.sidebar' });
    }
    assert.deepEqual(ui.errors(), []);
  });
});
