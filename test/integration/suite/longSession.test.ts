import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, config, sessions, typeInField, useModel, waitForSession, WindowStub, workbenchUi } from '../helpers';
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

  /** The long session (recorded once, by the first test that needs it), open in the sidebar; false: no workbench to look at. */
  async function openLongRun(): Promise<boolean> {
    await activateExtension();
    const { seeded } = config();
    if (!(await sessions(seeded.storeDir)).some((x) => x.title === LONG_RUN_TASK)) await vscode.commands.executeCommand('savepoint.newSession', LONG_RUN_TASK);
    const s = await waitForSession(seeded.storeDir, LONG_RUN_TASK, (x) => x.status === 'completed' || x.status === 'failed', 'to finish', 540_000);
    assert.equal(s.status, 'completed');
    await vscode.commands.executeCommand('workbench.view.extension.savepoint');
    if (!(await workbenchUi({ count: 'body' }))) return false;
    if ((await workbenchUi({ count: 'vscode-icon[title="Back to the sessions"]' }))?.count) await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    await workbenchUi({ click: `li.session[title="${LONG_RUN_TASK}"]` });
    return true;
  }

  it('"Show earlier entries" fits the sidebar: its count of the entries before is not cut off at the edge', async function () {
    this.timeout(600_000);
    if (!(await openLongRun())) return this.skip();
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

  it('Go to step: an early step not loaded is brought into view; a step that is not a number or not in the session is refused with a message', async function () {
    this.timeout(600_000);
    if (!(await openLongRun())) return this.skip();
    const field = 'vscode-textfield.goto-step';
    const step3 = 'li.entry-model[title^="step 3 "]';
    await workbenchUi({ wait: 'li.more-earlier vscode-button:has-text("before these")' });
    await workbenchUi({ wait: field });
    assert.equal((await workbenchUi({ count: step3 }))?.count, 0, 'step 3 is not on the first page');
    const shown = async () => (await workbenchUi({ in: 'ol.timeline', script: `(() => { const l = document.querySelectorAll('li.entry'); return [l.length, l[0]?.dataset.id]; })()` }))?.value as [number, string];
    const before = await shown();
    // Not a number, then a step the session does not have: said under the field, the timeline as it was.
    await workbenchUi({ focus: field });
    await workbenchUi({ keys: ['a', 'b', 'c', 'Enter'] });
    await workbenchUi({ wait: '.goto-message:has-text("not a step number")' });
    await typeInField(field, '9999');
    await workbenchUi({ wait: '.goto-message:has-text("no step 9999")', shot: 'sidebar-long-session-goto-refused', of: '.part.sidebar' });
    assert.deepEqual(await shown(), before, 'a refused step changes nothing');
    assert.equal((await workbenchUi({ count: step3 }))?.count, 0);
    // Step 3: its page comes, the step in view under the header, the focus on it; later entries a click away.
    await typeInField(field, '3');
    await workbenchUi({ wait: `${step3}:has-text("Step 3:")` });
    await workbenchUi({ wait: 'li.more-later vscode-button:has-text("later entries")' });
    assert.equal((await workbenchUi({ count: '.goto-message:has-text("step")' }))?.count, 0, 'the message is gone');
    assert.equal((await workbenchUi({ focused: step3 }))?.count, 1, 'the focus is on step 3');
    const at = (await workbenchUi({ in: step3, script: `(() => { const r = document.querySelector('${step3}').getBoundingClientRect(); const h = document.querySelector('header.detail-header').getBoundingClientRect(); const f = document.querySelector('${field}').getBoundingClientRect(); return { top: r.top, header: h.bottom, view: innerHeight, right: f.right, width: document.documentElement.clientWidth, entries: document.querySelectorAll('li.entry').length }; })()` }))?.value as Record<string, number>;
    await workbenchUi({ shot: 'sidebar-long-session-goto', of: '.part.sidebar' });
    assert.ok(at.top! >= at.header! - 1 && at.top! < at.view!, `step 3 is at ${at.top}px, the header ends at ${at.header}px, the view at ${at.view}px`);
    assert.ok(at.right! <= at.width!, `the field ends at ${at.right}px, past the view's ${at.width}px`);
    assert.ok(at.entries! <= 200, `${at.entries} entries on the page`);
    // The field is named for a screen reader, with the steps there are.
    assert.match(String((await workbenchUi({ aria: 'div.goto' }))?.value), /textbox "Go to step \(1 to 101\)"/);
    // The next (last) page below, pressed from the keyboard: the focus goes on to the first entry it brought, in view, not to the page.
    await workbenchUi({ focus: 'li.more-later vscode-button:has-text("later entries")', press: 'Enter' });
    await workbenchUi({ wait: 'li.entry-model:has-text("Step 99:")' });
    assert.equal((await workbenchUi({ focused: 'ol.timeline li.entry' }))?.count, 1, 'the focus is on an entry');
    const seen = (await workbenchUi({ in: 'ol.timeline', script: `(() => { const r = document.activeElement.getBoundingClientRect(); return { top: r.top, header: document.querySelector('header.detail-header').getBoundingClientRect().bottom, view: innerHeight }; })()` }))?.value as Record<string, number>;
    assert.ok(seen.top! >= seen.header! - 1 && seen.top! < seen.view!, `the entry with the focus is at ${seen.top}px (the header ends at ${seen.header}px, the view at ${seen.view}px)`);
    await workbenchUi({ wait: 'li.entry-model:has-text("Done after 100 steps.")' });
    assert.equal((await workbenchUi({ count: 'li.more-later' }))?.count, 0, 'no later entries left to show');
    // Step 1 (not loaded: the page from it comes, later ones behind it), then back to the newest at once: the end of the session.
    await typeInField(field, '1');
    await workbenchUi({ wait: 'li.entry-model[title^="step 1 "]:has-text("Step 1:")' });
    await workbenchUi({ click: 'li.more-later vscode-button:has-text("Show the newest")' });
    await workbenchUi({ wait: 'li.entry-model:has-text("Done after 100 steps.")' });
    assert.equal((await workbenchUi({ count: 'li.more-later' }))?.count, 0);
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
