import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, config, useModel, waitForSession, WindowStub, workbenchUi } from '../helpers';
import { BIG_STEP_FILES, BIG_STEP_MODEL, BIG_STEP_TASK } from '../scenario';

/**
 * A step whose command changed hundreds of files (the agent's `git checkout` of another branch, a
 * generator) in the real sidebar: the step lists its first files and one row for the rest, which
 * opens the whole step's diff; it listed every file, a wall the user scrolled through to reach the
 * next step. The count and the +/− of the head are still the whole step's.
 */
describe('Sidebar big step', () => {
  let ui: WindowStub;
  before(() => useModel(BIG_STEP_MODEL));
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('lists the first files of a step that changed hundreds, and one row for the rest', async function () {
    await activateExtension();
    const { seeded } = config();
    ui.on('warning', /allow the agent to run `mkdir -p generated/, () => 'Approve');
    await vscode.commands.executeCommand('savepoint.newSession', BIG_STEP_TASK);
    const s = await waitForSession(seeded.storeDir, BIG_STEP_TASK, (x) => x.status === 'completed' || x.status === 'failed', 'to finish');
    assert.equal(s.status, 'completed');
    await vscode.commands.executeCommand('workbench.view.extension.savepoint');
    // Without a browser (the Electron runner) there is no page to count rows in.
    if (!(await workbenchUi({ count: 'body' }))) return this.skip();
    // An earlier suite may have left a session open in the sidebar: back to the list first.
    if ((await workbenchUi({ count: 'vscode-icon[title="Back to the sessions"]' }))?.count) await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    await workbenchUi({ click: `li.session[title="${BIG_STEP_TASK}"]` });
    await workbenchUi({ wait: `.files-head .diffstat:has-text("${BIG_STEP_FILES} files changed")` });
    const rows = (await workbenchUi({ count: 'ul.file-list li.file:not(.file-more)' }))?.count ?? 0;
    assert.ok(rows > 0 && rows <= 50, `${rows} file rows`);
    await workbenchUi({ hover: 'ul.file-list li.file-more', shot: 'sidebar-big-step', of: '.part.sidebar' });
    const more = (await workbenchUi({ count: `ul.file-list li.file-more:has-text("and ${BIG_STEP_FILES - rows} more files")` }))?.count;
    assert.equal(more, 1, 'one row counts the files not listed');
    assert.deepEqual(ui.errors(), []);
  });
});
