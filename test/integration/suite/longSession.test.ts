import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, config, useModel, waitForSession, WindowStub, workbenchUi } from '../helpers';
import { LONG_FOLLOW_MODEL, LONG_FOLLOW_TASK, LONG_RUN_MODEL, LONG_RUN_TASK } from '../longRun';

/**
 * A session of a hundred steps (writes, edits, commands, reads), recorded by the real runner with
 * its calls approved by the settings, then looked at in the sidebar as its user does.
 */
describe('Long session', () => {
  let ui: WindowStub;
  const settings = () => vscode.workspace.getConfiguration('savepoint');
  before(async () => {
    await useModel(LONG_RUN_MODEL);
    await settings().update('approval.mutate', 'auto', vscode.ConfigurationTarget.Global);
    await settings().update('approval.compute', 'auto', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await useModel(undefined);
    await settings().update('approval.mutate', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('approval.compute', undefined, vscode.ConfigurationTarget.Global);
  });
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('"Show earlier entries" fits the sidebar: its count of the entries before is not cut off at the edge', async function () {
    this.timeout(600_000);
    await activateExtension();
    const { seeded } = config();
    await vscode.commands.executeCommand('savepoint.newSession', LONG_RUN_TASK);
    const s = await waitForSession(seeded.storeDir, LONG_RUN_TASK, (x) => x.status === 'completed' || x.status === 'failed', 'to finish', 540_000);
    assert.equal(s.status, 'completed');
    await vscode.commands.executeCommand('workbench.view.extension.savepoint');
    if (!(await workbenchUi({ count: 'body' }))) return this.skip();
    if ((await workbenchUi({ count: 'vscode-icon[title="Back to the sessions"]' }))?.count) await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    await workbenchUi({ click: `li.session[title="${LONG_RUN_TASK}"]` });
    const more = 'li.more-earlier vscode-button';
    await workbenchUi({ wait: `${more}:has-text("before these")` });
    await workbenchUi({ scroll: 'ol.timeline', to: 0, shot: 'sidebar-long-session-earlier', of: '.part.sidebar' });
    // The label's end, as laid out: inside the page of the view, whose width is the sidebar's.
    const fit = await workbenchUi({ in: more, script: `(() => { const b = document.querySelector('${more}'); const r = b.getBoundingClientRect(); return { right: Math.round(r.right), width: document.documentElement.clientWidth, label: b.textContent }; })()` });
    const { right, width, label } = fit?.value as { right: number; width: number; label: string };
    assert.match(label, /^Show [\d,]+ earlier entries \([\d,]+ before these\)$/);
    assert.ok(right <= width, `the button ends at ${right}px, past the view's ${width}px`);
    assert.deepEqual(ui.errors(), []);
  });

  it('a running session watched in the sidebar from its start is followed to its end', async function () {
    this.timeout(600_000);
    await activateExtension();
    const { seeded } = config();
    await useModel(LONG_FOLLOW_MODEL);
    await vscode.commands.executeCommand('savepoint.newSession', LONG_FOLLOW_TASK);
    await vscode.commands.executeCommand('workbench.view.extension.savepoint');
    if (!(await workbenchUi({ count: 'body' }))) return this.skip();
    if ((await workbenchUi({ count: 'vscode-icon[title="Back to the sessions"]' }))?.count) await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    await workbenchUi({ click: `li.session[title="${LONG_FOLLOW_TASK}"]` });
    const s = await waitForSession(seeded.storeDir, LONG_FOLLOW_TASK, (x) => x.status === 'completed' || x.status === 'failed', 'to finish', 540_000);
    assert.equal(s.status, 'completed');
    await workbenchUi({ wait: 'li.entry-model:has-text("Done after 60 steps.")', shot: 'sidebar-long-session-followed', of: '.part.sidebar' });
    const left = await workbenchUi({ in: 'ol.timeline', script: `(() => { const s = document.scrollingElement; return s.scrollHeight - s.scrollTop - s.clientHeight; })()` });
    assert.ok((left?.value as number) < 40, `${String(left?.value)}px below the view: the timeline stopped following its session`);
  });
});
